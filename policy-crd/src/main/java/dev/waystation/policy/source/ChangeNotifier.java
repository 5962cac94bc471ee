package dev.waystation.policy.source;

/** A store capability: it calls back whenever its values may have changed. */
public interface ChangeNotifier {

    /** Calls {@code onChange} after every change until the subscription is cancelled. */
    Subscription subscribe(Runnable onChange);
}
