package dev.waystation.policy.rsop;

/** A registration handle was used after it was unregistered or replaced. */
public final class RegistrationConsumedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public RegistrationConsumedException() {
        super("the store registration is no longer valid");
    }
}
