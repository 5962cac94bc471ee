package dev.waystation.operator.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.waystation.crd.v1alpha1.DerpMapNode;

/** The withholding rule: N failed DERP probes in a row withhold, M passes restore, the last published node stays. */
class ProbeBookTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private static ProbeTarget target(String name) {
        DerpMapNode node = new DerpMapNode();
        node.setName(name);
        node.setRegionId(900);
        node.setHostName(name + ".example.com");
        return new ProbeTarget("edge", "fra", 900, "fra", node);
    }

    private static ProbeBook.Transition derp(ProbeBook book, ProbeTarget target, boolean passed) {
        assertThat(book.tryStart(target, ProbeKind.DERP)).isTrue();
        return book.record(target, passed ? ProbeOutcome.pass(ProbeKind.DERP, Duration.ofMillis(3))
                : ProbeOutcome.fail(ProbeKind.DERP, Duration.ofMillis(3), "connection refused"), NOW);
    }

    @Test
    void aNodeIsWithheldAfterNFailuresAndRestoredAfterMPasses() {
        ProbeBook book = new ProbeBook(3, 2);
        ProbeTarget a = target("900a");
        ProbeTarget b = target("900b");
        book.retain(List.of(a, b));

        assertThat(derp(book, b, false).kindStartedFailing()).isTrue();
        assertThat(derp(book, b, false).withheld()).isFalse();
        assertThat(book.withheldKeys()).isEmpty();
        assertThat(derp(book, b, false).withheld()).isTrue();
        assertThat(book.withheldKeys()).containsExactly("900/900b");
        assertThat(book.snapshot(b.key()).orElseThrow().reason).hasValueSatisfying(r -> assertThat(r)
                .contains("failed 3 times in a row").contains("connection refused"));

        ProbeBook.Transition firstPass = derp(book, b, true);
        assertThat(firstPass.kindRecovered()).isTrue();
        assertThat(firstPass.restored()).isFalse();
        assertThat(book.withheldKeys()).containsExactly("900/900b");
        assertThat(derp(book, b, true).restored()).isTrue();
        assertThat(book.withheldKeys()).isEmpty();
    }

    @Test
    void aPassInBetweenStartsTheCountAgain() {
        ProbeBook book = new ProbeBook(2, 1);
        ProbeTarget a = target("900a");
        ProbeTarget b = target("900b");
        book.retain(List.of(a, b));
        derp(book, b, false);
        derp(book, b, true);
        derp(book, b, false);
        assertThat(book.withheldKeys()).isEmpty();
    }

    @Test
    void theLastPublishedNodeOfTheMapIsNeverWithheld() {
        ProbeBook book = new ProbeBook(1, 1);
        ProbeTarget a = target("900a");
        ProbeTarget b = target("900b");
        book.retain(List.of(a, b));
        assertThat(derp(book, a, false).withheld()).isTrue();
        ProbeBook.Transition last = derp(book, b, false);
        assertThat(last.withheld()).isFalse();
        assertThat(last.keptAsLastNode()).isTrue();
        assertThat(book.withheldKeys()).containsExactly("900/900a");
        assertThat(book.snapshot(b.key()).orElseThrow().reason).hasValueSatisfying(r -> assertThat(r).contains("last node"));
    }

    @Test
    void whenThePublishedNodeLeavesTheMapAWithheldOneIsPublishedAgain() {
        ProbeBook book = new ProbeBook(1, 1);
        ProbeTarget a = target("900a");
        ProbeTarget b = target("900b");
        book.retain(List.of(a, b));
        derp(book, a, false);
        assertThat(book.retain(List.of(a))).containsExactly(b.key());
        assertThat(book.withheldKeys()).isEmpty();
    }

    @Test
    void oneProbeOfAKindPerNodeAtATime() {
        ProbeBook book = new ProbeBook(3, 2);
        ProbeTarget a = target("900a");
        book.retain(List.of(a));
        assertThat(book.tryStart(a, ProbeKind.MESH)).isTrue();
        assertThat(book.tryStart(a, ProbeKind.MESH)).isFalse();
        assertThat(book.tryStart(a, ProbeKind.STUN)).isTrue();
        book.release(a, ProbeKind.MESH);
        assertThat(book.tryStart(a, ProbeKind.MESH)).isTrue();
    }
}
