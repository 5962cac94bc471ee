package dev.waystation.policy.rsop;

import java.util.Comparator;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The one rule that orders sources of the same scope kind, used by the engine, by the relay's
 * policy documents and by the operator's explanations. Lowest precedence first: lower
 * {@code priority} first, then by name in ascending (ordinal string) order. So of two sources of one
 * kind, the higher priority wins, and at equal priority the name that sorts later wins. Arrival
 * order never decides: a relay that saw sources one by one and a relay started on all of them at
 * once pick the same winner.
 *
 * <p>Between kinds the merge decides (mandatory: broader scope wins; recommended: narrower scope wins).
 */
public final class SourcePrecedence {

    private SourcePrecedence() {
    }

    /** Lowest precedence first, by the given priority and name. */
    public static <T> Comparator<T> order(ToIntFunction<T> priority, Function<T, String> name) {
        return Comparator.comparingInt(priority).thenComparing(name);
    }

    /** Positive when ({@code priorityA}, {@code nameA}) beats ({@code priorityB}, {@code nameB}). */
    public static int compare(int priorityA, String nameA, int priorityB, String nameB) {
        int byPriority = Integer.compare(priorityA, priorityB);
        return byPriority != 0 ? byPriority : nameA.compareTo(nameB);
    }

    /** Why the winner of {@link #compare} beats the loser, in words for status and debug output. */
    public static String reason(int winnerPriority, int loserPriority) {
        return winnerPriority != loserPriority
                ? "same scope, higher priority (" + winnerPriority + " > " + loserPriority + ")"
                : "same scope and priority, name sorts later";
    }
}
