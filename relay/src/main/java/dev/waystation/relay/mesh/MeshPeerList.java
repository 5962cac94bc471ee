package dev.waystation.relay.mesh;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A list of mesh peers as written in {@code mesh-with} or its file: entries separated by commas,
 * spaces or new lines, {@code #} to the end of a line is a comment. A malformed entry is reported
 * and left out; the others stand.
 *
 * @param peers the valid entries, in order, without repeats
 * @param errors one message per malformed entry
 */
record MeshPeerList(Set<MeshPeerAddress> peers, List<String> errors) {

    static MeshPeerList parse(Iterable<String> texts) {
        Set<MeshPeerAddress> peers = new LinkedHashSet<>();
        List<String> errors = new ArrayList<>();
        for (String text : texts) {
            for (String line : text.split("\n")) {
                int comment = line.indexOf('#');
                String content = comment >= 0 ? line.substring(0, comment) : line;
                for (String entry : content.split("[,\\s]+")) {
                    if (entry.isBlank()) {
                        continue;
                    }
                    try {
                        peers.add(MeshPeerAddress.parse(entry));
                    } catch (IllegalArgumentException e) {
                        errors.add(e.getMessage());
                    }
                }
            }
        }
        return new MeshPeerList(peers, errors);
    }
}
