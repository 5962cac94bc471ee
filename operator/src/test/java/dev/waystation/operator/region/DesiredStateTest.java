package dev.waystation.operator.region;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import org.junit.jupiter.api.Test;

/** An object is current when it holds the stamped desired fields; server additions do not matter. */
class DesiredStateTest {

    private static ConfigMap desired(String value) {
        return DesiredState.stamp(new ConfigMapBuilder().withNewMetadata().withName("c").withNamespace("n")
                .addToLabels("a", "b").endMetadata().addToData("k", value).build());
    }

    @Test
    void serverAddedFieldsDoNotMakeAnObjectDiffer() {
        ConfigMap actual = new ConfigMapBuilder(desired("v")).editMetadata().withResourceVersion("7").withUid("u")
                .addToAnnotations("other", "x").endMetadata().build();
        assertThat(DesiredState.isCurrent(desired("v"), actual)).isTrue();
    }

    @Test
    void aChangedOrRemovedFieldDiffers() {
        ConfigMap actual = desired("v");
        assertThat(DesiredState.isCurrent(desired("w"), actual)).isFalse();
        ConfigMap edited = new ConfigMapBuilder(actual).addToData("k", "edited").build();
        assertThat(DesiredState.isCurrent(desired("v"), edited)).isFalse();
        ConfigMap fewer = DesiredState.stamp(new ConfigMapBuilder().withNewMetadata().withName("c").withNamespace("n")
                .addToLabels("a", "b").endMetadata().build());
        assertThat(DesiredState.isCurrent(fewer, actual)).as("a field no longer wanted changes the hash").isFalse();
        assertThat(DesiredState.isCurrent(desired("v"), null)).isFalse();
    }
}
