package dev.waystation.operator.unreadable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.Policy;
import org.junit.jupiter.api.Test;

/** One unreadable object in a list leaves the others readable and carries its reason. */
class LenientDeserializationTest {

    private static ObjectMapper mapper() {
        ObjectMapper mapper = new ObjectMapper();
        new LenientDeserialization().customize(mapper);
        return mapper;
    }

    @Test
    void anOutOfRangeIntegerMarksOnlyThatRegion() throws Exception {
        String json = """
                [{"apiVersion":"waystation.dev/v1alpha1","kind":"DerpRegion",
                  "metadata":{"name":"bad","namespace":"ns","uid":"u1"},
                  "spec":{"regionId":900,"regionCode":"bad","regionName":"Bad",
                          "scheduling":{"topologySpreadConstraints":[{"maxSkew":3000000000,"topologyKey":"k"}]}},
                  "status":{"readyNodes":"1/1"}},
                 {"apiVersion":"waystation.dev/v1alpha1","kind":"DerpRegion",
                  "metadata":{"name":"good","namespace":"ns","uid":"u2"},
                  "spec":{"regionId":901,"regionCode":"good","regionName":"Good"}}]
                """;
        List<DerpRegion> regions = mapper().readValue(json, new TypeReference<>() {
        });

        DerpRegion bad = regions.get(0);
        assertThat(bad.getMetadata().getName()).isEqualTo("bad");
        assertThat(bad.getSpec()).isNull();
        assertThat(bad.getStatus().getReadyNodes()).isEqualTo("1/1");
        assertThat(UnreadableResources.reason(bad)).hasValueSatisfying(why -> assertThat(why)
                .startsWith("spec.scheduling.topologySpreadConstraints[0].maxSkew: ")
                .contains("3000000000"));
        DerpRegion good = regions.get(1);
        assertThat(good.getSpec().getRegionId()).isEqualTo(901);
        assertThat(UnreadableResources.reason(good)).isEmpty();
    }

    @Test
    void aPolicyWithAnOutOfRangePriorityIsMarked() throws Exception {
        Policy policy = mapper().readValue("""
                {"apiVersion":"waystation.dev/v1alpha1","kind":"Policy","metadata":{"name":"p","namespace":"ns"},
                 "spec":{"scope":"Device","priority":-2147483649,"settings":{"STUN.Enabled":false}}}
                """, Policy.class);
        assertThat(policy.getSpec()).isNull();
        assertThat(UnreadableResources.reason(policy)).hasValueSatisfying(why -> assertThat(why).startsWith("spec.priority: "));
    }
}
