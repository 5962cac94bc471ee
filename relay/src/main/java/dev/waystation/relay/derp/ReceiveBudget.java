package dev.waystation.relay.derp;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.waystation.relay.metrics.TransportMetrics;

/**
 * The relay-wide budgets for received bytes that connections hold (a request head not yet complete,
 * pipelined requests waiting, a partial DERP frame): one pool for connections still in their
 * handshake, one for admitted ones. Each connection charges what it holds through its
 * {@link Account}; a connection whose charge would take its pool past the limit is refused (in the
 * handshake) or paused (admitted). Buffers grow only with bytes received, so a length claim alone
 * charges nothing.
 */
final class ReceiveBudget {

    /** Which pool an account charges. */
    enum Phase { HANDSHAKE, ESTABLISHED }

    private final long handshakeLimit;
    private final long establishedLimit;
    private final AtomicLong handshakeUsed;
    private final AtomicLong establishedUsed;
    private final LongAdder handshakeExceeded;
    private final LongAdder establishedExceeded;

    ReceiveBudget(long handshakeLimit, long establishedLimit, TransportMetrics metrics) {
        this.handshakeLimit = handshakeLimit;
        this.establishedLimit = establishedLimit;
        this.handshakeUsed = metrics.handshakeBufferedBytes;
        this.establishedUsed = metrics.establishedBufferedBytes;
        this.handshakeExceeded = metrics.handshakeBudgetExceeded;
        this.establishedExceeded = metrics.establishedBudgetExceeded;
    }

    Account open() {
        return new Account();
    }

    /** One connection's charge; used on that connection's event loop only. */
    final class Account {
        private Phase phase = Phase.HANDSHAKE;
        private long charged;

        /**
         * Sets what the connection holds now. Returns false (and counts it) when growing to
         * {@code bytes} takes the pool past its limit; the charge is recorded either way, so
         * {@link #close()} always returns it.
         */
        boolean hold(long bytes) {
            long delta = bytes - charged;
            charged = bytes;
            long used = pool().addAndGet(delta);
            if (delta > 0 && used > limit()) {
                (phase == Phase.HANDSHAKE ? handshakeExceeded : establishedExceeded).increment();
                return false;
            }
            return true;
        }

        /** The handshake completed: what the connection holds moves to the admitted pool. */
        void established() {
            if (phase == Phase.ESTABLISHED) {
                return;
            }
            handshakeUsed.addAndGet(-charged);
            phase = Phase.ESTABLISHED;
            establishedUsed.addAndGet(charged);
        }

        Phase phase() {
            return phase;
        }

        /** Whether the pool has room again (an admitted connection paused by the budget may resume). */
        boolean hasRoom() {
            return pool().get() <= limit();
        }

        void close() {
            pool().addAndGet(-charged);
            charged = 0;
        }

        private AtomicLong pool() {
            return phase == Phase.HANDSHAKE ? handshakeUsed : establishedUsed;
        }

        private long limit() {
            return phase == Phase.HANDSHAKE ? handshakeLimit : establishedLimit;
        }
    }
}
