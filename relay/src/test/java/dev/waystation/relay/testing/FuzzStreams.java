package dev.waystation.relay.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How fuzz targets for stream parsers cut one input into the reads a socket might deliver. The cuts
 * derive from the bytes themselves, so the fuzzer moves them by mutating content, and a seed file
 * stays a plain capture of the protocol (no framing of our own in the corpus).
 */
public final class FuzzStreams {

    /** Longest read the cutting produces; small, so headers and lengths straddle reads often. */
    private static final int MAX_READ = 64;

    private FuzzStreams() {
    }

    /** {@code input} as consecutive reads of 1 to {@value #MAX_READ} bytes; concatenated they are {@code input}. */
    public static List<byte[]> reads(byte[] input) {
        List<byte[]> reads = new ArrayList<>();
        int position = 0;
        while (position < input.length) {
            int length = Math.min(input.length - position, 1 + ((input[position] * 31 + position) & (MAX_READ - 1)));
            reads.add(Arrays.copyOfRange(input, position, position + length));
            position += length;
        }
        return reads;
    }
}
