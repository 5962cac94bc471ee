package dev.waystation.policy.source;

import java.util.concurrent.CopyOnWriteArrayList;

/** The subscriber list behind a {@link ChangeNotifier}; notifies on the caller's thread. */
public final class ChangeListeners implements ChangeNotifier {

    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();

    @Override
    public Subscription subscribe(Runnable onChange) {
        Runnable unique = onChange::run;
        listeners.add(unique);
        return () -> listeners.remove(unique);
    }

    /** Calls every subscriber; one that throws does not stop the others. */
    public void fire() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                System.getLogger(ChangeListeners.class.getName())
                        .log(System.Logger.Level.WARNING, "policy change subscriber failed", e);
            }
        }
    }

    public int size() {
        return listeners.size();
    }
}
