package dev.waystation.policy.document;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.waystation.policy.catalog.RelaySettings;

class DocumentValidatorTest {

    @Test
    void reportsEachBadKeyWithItsSourceAndLevel() throws Exception {
        PolicyDocument document = new PolicyDocumentParser().parse("p.yaml", """
                sources:
                  - name: fleet
                    scope: Device
                    mandatory:
                      STUN.Enabled: "yes"
                      Admission.AcceptBurst: -3
                      Client.Allowed: true
                    recommended:
                      STUN.Enabeld: true
                  - name: client
                    scope: User(nodekey:ab)
                    mandatory:
                      STUN.Enabled: false
                      Client.RateBurstBytes: 10
                """);
        assertThat(new DocumentValidator(RelaySettings.registry()).problems(document)).map(Object::toString)
                .containsExactly(
                        "fleet: mandatory.\"STUN.Enabled\": type mismatch: want a boolean, got string \"yes\"",
                        "fleet: mandatory.\"Admission.AcceptBurst\": type mismatch: want an unsigned integer, got negative number -3",
                        "fleet: recommended.\"STUN.Enabeld\": unknown policy setting \"STUN.Enabeld\"",
                        "client: mandatory.\"STUN.Enabled\": a Profile setting cannot be configured at scope User(nodekey:ab)");
    }
}
