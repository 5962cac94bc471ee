package dev.waystation.relay.tls.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import dev.waystation.testing.Closer;
import dev.waystation.testing.PebbleCa;
import dev.waystation.testing.RelayProcess;
import dev.waystation.testing.TestCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * ACME state in a Kubernetes Secret on a real API server, with the relay authenticated as a
 * ServiceAccount that may only get and update named Secrets (the Role the operator writes for
 * LetsEncrypt regions): Pebble issues once, the Secret holds account key and certificate, a restart
 * places no new order; a Secret the relay may not read, or one that does not exist, is a readable
 * not-ready reason and no order, and a Secret that appears later is used without a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AcmeSecretStoreIT {

    private static final String NS = "acme-store-it";
    private static final String ACCOUNT = "fra-relay";
    private static final String OWN = "fra-0-acme";
    /** Exists, but is not among the Role's names. */
    private static final String FORBIDDEN = "fra-1-acme";
    /** Among the Role's names, created only during the test. */
    private static final String LATE = "fra-2-acme";
    private static final String HOSTNAME = "localhost";
    private static final long VALIDITY_SECONDS = 7 * 24 * 3600;

    @TempDir
    static Path dir;
    private static TestCluster cluster;
    private static KubernetesClient client;
    private static PebbleCa pebble;
    private static Path relayKubeconfig;
    private static int derpPort;
    private static int httpPort;
    private RelayProcess relay;

    @BeforeAll
    static void clusterPebbleAndARestrictedAccount() throws Exception {
        cluster = TestCluster.start();
        client = cluster.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        for (String name : List.of(OWN, FORBIDDEN)) {
            client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(name)
                    .endMetadata().withType("Opaque").build()).create();
        }
        client.serviceAccounts().inNamespace(NS).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName(ACCOUNT).endMetadata().build()).create();
        client.rbac().roles().inNamespace(NS).resource(new RoleBuilder().withNewMetadata().withName(ACCOUNT)
                .endMetadata().addNewRule().withApiGroups("").withResources("secrets")
                .withResourceNames(OWN, LATE).withVerbs("get", "update").endRule().build()).create();
        client.rbac().roleBindings().inNamespace(NS).resource(new RoleBindingBuilder().withNewMetadata()
                .withName(ACCOUNT).endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role").withName(ACCOUNT).endRoleRef().addNewSubject().withKind("ServiceAccount")
                .withName(ACCOUNT).withNamespace(NS).endSubject().build()).create();
        relayKubeconfig = cluster.serviceAccountKubeconfig(NS, ACCOUNT);
        derpPort = PebbleCa.freePort();
        httpPort = PebbleCa.freePort();
        pebble = PebbleCa.onLoopback(dir, httpPort, derpPort, VALIDITY_SECONDS, Map.of());
    }

    @AfterEach
    void stopRelay() {
        if (relay != null) {
            relay.close();
        }
    }

    @AfterAll
    static void stop() {
        Closer.closeAll(pebble, client, cluster);
    }

    /** A relay keeping its ACME state in {@code secret}, as the restricted ServiceAccount (namespace from its kubeconfig). */
    private static RelayProcess relayStoringIn(String secret) {
        Map<String, String> config = pebble.relayConfig(HOSTNAME, derpPort, httpPort, "http-01");
        config.put("waystation.relay.key-file", dir.resolve("derper-" + secret + ".key").toString());
        config.put("waystation.relay.tls.acme.storage-secret", secret);
        // fabric8's auto-configuration reads this system property like KUBECONFIG.
        config.put("kubeconfig", relayKubeconfig.toString());
        return RelayProcess.startListening(config);
    }

    private void awaitReady() {
        AcmeRelayChecks.awaitReady(relay);
    }

    private void assertDerphttpExchangesTrustingPebble() throws Exception {
        AcmeRelayChecks.assertDerphttpExchangesTrustingPebble(relay, pebble, HOSTNAME, dir);
    }

    private static String entry(String secret, String key) {
        Secret stored = client.secrets().inNamespace(NS).withName(secret).get();
        String data = stored.getData() == null ? null : stored.getData().get(key);
        return data == null ? "" : new String(Base64.getDecoder().decode(data), StandardCharsets.US_ASCII);
    }

    /** Not ready, alive, with {@code reason}, tried at least twice (so it retries rather than gives up). */
    private void awaitNotReadyRetrying(String... reason) {
        await("readable not-ready reason, retried").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    assertThat(relay.process().isAlive()).as(relay.logText()).isTrue();
                    var readiness = relay.get("/q/health/ready");
                    assertThat(readiness.statusCode()).isEqualTo(503);
                    assertThat(readiness.body()).contains(reason).contains("no order until it is readable");
                    assertThat(relay.logText().split("cannot read the ACME state", -1)).hasSizeGreaterThan(2);
                });
    }

    @Test
    @Order(1)
    void restrictedToItsOwnSecretTheRelayOrdersOnceAndARestartPlacesNoNewOrder() throws Exception {
        relay = relayStoringIn(OWN);
        awaitReady();
        assertDerphttpExchangesTrustingPebble();
        assertThat(relay.metric("waystation_acme_orders_total{outcome=\"issued\"}")).isEqualTo(1);
        assertThat(pebble.ordersCreated()).isEqualTo(1);
        assertThat(relay.logText()).contains("state in Secret " + NS + "/" + OWN);
        assertThat(entry(OWN, AcmeStore.ACCOUNT_KEY)).contains("PRIVATE KEY");
        assertThat(entry(OWN, AcmeStore.CERTIFICATE)).contains("BEGIN CERTIFICATE");
        assertThat(entry(OWN, AcmeStore.CERTIFICATE_KEY)).contains("PRIVATE KEY");
        String accountKey = entry(OWN, AcmeStore.ACCOUNT_KEY);

        relay.close();
        relay = relayStoringIn(OWN);
        awaitReady();
        assertDerphttpExchangesTrustingPebble();
        assertThat(relay.metric("waystation_acme_stored_certificates_total")).as(relay.metrics()).isEqualTo(1);
        assertThat(relay.metric("waystation_acme_orders_total{outcome=\"issued\"}")).isZero();
        assertThat(pebble.ordersCreated()).as("orders Pebble saw across the restart").isEqualTo(1);
        assertThat(entry(OWN, AcmeStore.ACCOUNT_KEY)).isEqualTo(accountKey);
    }

    @Test
    @Order(2)
    void aSecretTheRelayMayNotReadIsAReadableReasonAndNoOrder() {
        int orders = pebble.ordersCreated();
        relay = relayStoringIn(FORBIDDEN);
        awaitNotReadyRetrying("cannot read the ACME state in Secret " + NS + "/" + FORBIDDEN, "forbidden");
        assertThat(pebble.ordersCreated()).isEqualTo(orders);
        assertThat(relay.metric("waystation_acme_orders_total{outcome=\"failed\"}")).isZero();
        assertThat(entry(FORBIDDEN, AcmeStore.ACCOUNT_KEY)).isEmpty();
    }

    @Test
    @Order(3)
    void aMissingSecretIsAReadableReasonAndOnceCreatedTheRelayGetsItsCertificateWithoutARestart() throws Exception {
        int orders = pebble.ordersCreated();
        relay = relayStoringIn(LATE);
        awaitNotReadyRetrying("Secret " + NS + "/" + LATE + " does not exist");
        assertThat(pebble.ordersCreated()).isEqualTo(orders);

        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(LATE).endMetadata()
                .withType("Opaque").build()).create();
        awaitReady();
        assertThat(relay.metric("waystation_acme_orders_total{outcome=\"issued\"}")).isEqualTo(1);
        assertThat(pebble.ordersCreated()).isEqualTo(orders + 1);
        assertThat(entry(LATE, AcmeStore.CERTIFICATE)).contains("BEGIN CERTIFICATE");
        assertDerphttpExchangesTrustingPebble();
    }
}
