package dev.waystation.relay.policy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code waystation.policy.*}: where the relay's policy comes from and how fast changes apply. */
@ConfigMapping(prefix = "waystation.policy")
public interface PolicyConfig {

    /** This relay's DerpRegion: its own resultant policy is {@code Profile(<region>)}. */
    @WithDefault("default")
    String region();

    /** The policy document file (JSON or YAML), watched for changes; unset: no file. */
    Optional<Path> file();

    /** How often the file is re-checked in case a change event was missed. */
    @WithDefault("10s")
    Duration fileRecheck();

    /**
     * How long a changed policy file must stay unchanged before it is applied: two reads this far
     * apart must agree, so a file rewritten in place is never applied half-written.
     */
    @WithDefault("250ms")
    Duration fileSettle();

    /** The largest policy file read; a bigger one is refused (the last good policy stays). */
    @WithDefault("4194304")
    long fileMaxBytes();

    Env env();

    Debounce debounce();

    /** Environment variables {@code WAYSTATION_POLICY_<KEY>} as a source of mandatory values. */
    interface Env {
        @WithDefault("true")
        boolean enabled();

        /** The scope the environment's values are registered at. */
        @WithDefault("Device")
        String scope();

        /** Within its scope, a higher priority wins over the file's and the cluster's sources. */
        @WithDefault("100")
        int priority();
    }

    /** Reload after {@code quiet} without further changes, at most {@code max} after the first. */
    interface Debounce {
        @WithDefault("200ms")
        Duration quiet();

        @WithDefault("1s")
        Duration max();
    }
}
