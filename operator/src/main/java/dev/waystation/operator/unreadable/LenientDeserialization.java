package dev.waystation.operator.unreadable;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.Policy;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;

/**
 * Makes the Kubernetes client read DerpRegions and Policies leniently ({@link LenientResourceDeserializer})
 * everywhere it reads them: JOSDK's informers, the DERP map publisher's informer, plain gets.
 */
@Singleton
public class LenientDeserialization implements KubernetesClientObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("waystation-lenient-resources");
        module.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
                    JsonDeserializer<?> deserializer) {
                Class<?> type = description.getBeanClass();
                if (type != DerpRegion.class && type != Policy.class) {
                    return deserializer;
                }
                JavaType statusType = description.findProperties().stream()
                        .filter(property -> "status".equals(property.getName()))
                        .map(BeanPropertyDefinition::getPrimaryType).findFirst().orElse(null);
                return new LenientResourceDeserializer(deserializer, type, statusType);
            }
        });
        mapper.registerModule(module);
    }
}
