package dev.waystation.crd.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The API server refuses exposure settings that cannot work together (schema enums and CEL rules of spec.service). */
class DerpRegionExposureValidationIT extends CrdOnApiServer {

    private static String region(String name, String service) {
        return manifest("DerpRegion", name, """
                regionId: 910
                regionCode: %s
                regionName: Exposure
                nodes: 2
                %s""".formatted(name, service));
    }

    @Test
    void everyExposureSettingIsStored() {
        client.resource(region("cloud", """
                httpPort: 0
                service:
                  type: LoadBalancer
                  loadBalancerClass: service.k8s.aws/nlb
                  ipFamilyPolicy: PreferDualStack
                  ipFamilies: [IPv4, IPv6]
                  annotations:
                    service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing
                  nodes:
                    - annotations:
                        external-dns.alpha.kubernetes.io/hostname: derp0.example.com
                      loadBalancerIP: 203.0.113.10
                    - ipv4: 203.0.113.11
                      ipv6: "2001:db8::11"
                """)).create();
        client.resource(region("dedicated", """
                derpPort: 8443
                service:
                  type: HostNetwork
                """)).create();

        DerpRegionSpec cloud = client.resources(DerpRegion.class).inNamespace("default").withName("cloud").get().getSpec();
        assertThat(cloud.getHttpPort()).isZero();
        assertThat(cloud.getService().getIpFamilies()).isEqualTo(List.of(IpFamily.IPv4, IpFamily.IPv6));
        assertThat(cloud.getService().nodeAt(0).getLoadBalancerIP()).isEqualTo("203.0.113.10");
        assertThat(cloud.getService().nodeAt(1).getIpv6()).isEqualTo("2001:db8::11");
        DerpRegionSpec dedicated = client.resources(DerpRegion.class).inNamespace("default").withName("dedicated").get()
                .getSpec();
        assertThat(dedicated.getService().getType()).isEqualTo(RelayServiceType.HostNetwork);
        assertThat(dedicated.getHttpPort()).as("default").isEqualTo(80);
    }

    @Test
    void loadBalancerClassNeedsALoadBalancer() {
        assertRejected(region("lbclass", """
                service:
                  type: NodePort
                  loadBalancerClass: service.k8s.aws/nlb
                """), "loadBalancerClass applies to type LoadBalancer only");
    }

    @Test
    void perNodeLoadBalancerIpNeedsALoadBalancer() {
        assertRejected(region("lbip", """
                service:
                  type: ClusterIP
                  nodes:
                    - loadBalancerIP: 203.0.113.10
                """), "nodes[].loadBalancerIP applies to type LoadBalancer only");
    }

    @Test
    void hostNetworkTakesNoServiceSettings() {
        assertRejected(region("hostannotations", """
                service:
                  type: HostNetwork
                  annotations:
                    a: b
                """), "type HostNetwork makes no Service");
        assertRejected(region("hostfamilies", """
                service:
                  type: HostNetwork
                  ipFamilies: [IPv6]
                """), "type HostNetwork makes no Service");
    }

    @Test
    void twoIpFamiliesNeedDualStackAndMustDiffer() {
        assertRejected(region("single", """
                service:
                  ipFamilies: [IPv4, IPv6]
                """), "two ipFamilies must differ");
        assertRejected(region("same", """
                service:
                  ipFamilyPolicy: PreferDualStack
                  ipFamilies: [IPv4, IPv4]
                """), "two ipFamilies must differ");
        assertRejected(region("require", """
                service:
                  ipFamilyPolicy: RequireDualStack
                  ipFamilies: [IPv6]
                """), "ipFamilyPolicy RequireDualStack needs both ipFamilies");
    }

    @Test
    void enumsAndAddressesAreChecked() {
        assertRejected(region("badtype", """
                service:
                  type: ExternalName
                """), "spec.service.type: Unsupported value: \"ExternalName\"");
        assertRejected(region("badfamily", """
                service:
                  ipFamilies: [IPv5]
                """), "Unsupported value: \"IPv5\"");
        assertRejected(region("badipv4", """
                service:
                  nodes:
                    - ipv4: 203.0.113.300
                """), "spec.service.nodes[0].ipv4");
        assertRejected(region("badhttp", """
                httpPort: -1
                """), "spec.httpPort");
    }
}
