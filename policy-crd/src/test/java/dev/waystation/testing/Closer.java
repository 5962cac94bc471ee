package dev.waystation.testing;

/** Test teardown: closes what a test started, in the order given, skipping what never started. */
public final class Closer {

    private Closer() {
    }

    /**
     * Closes each non-null resource in order (dependents first: a client before its API server). A
     * failing close is reported after the others have been closed too.
     */
    public static void closeAll(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing " + resource + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
