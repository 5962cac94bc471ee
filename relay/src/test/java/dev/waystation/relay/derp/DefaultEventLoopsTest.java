package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DefaultEventLoopsTest {

    @Test
    void onePerTwoProcessorsAndNeverNone() {
        assertThat(DerpListeners.defaultEventLoops(1)).isEqualTo(1);
        assertThat(DerpListeners.defaultEventLoops(2)).isEqualTo(1);
        assertThat(DerpListeners.defaultEventLoops(3)).isEqualTo(1);
        assertThat(DerpListeners.defaultEventLoops(4)).isEqualTo(2);
        assertThat(DerpListeners.defaultEventLoops(16)).isEqualTo(8);
    }
}
