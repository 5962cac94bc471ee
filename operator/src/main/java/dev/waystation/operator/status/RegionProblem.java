package dev.waystation.operator.status;

/**
 * Something that keeps a DerpRegion from being what its spec asks, beyond node readiness: a refused
 * spec, a region-ID conflict, an object the API server rejected. It becomes the reason and message of
 * the {@code Ready}/{@code Degraded} conditions (and so a Warning Event).
 *
 * @param reason      CamelCase condition reason
 * @param message     what happened, with the API server's message where there is one
 * @param withdrawn   the region is kept out of the DERP map (not deployed, or not allowed to be published)
 */
public record RegionProblem(String reason, String message, boolean withdrawn) {

    /** The region's spec could not be read; its relays keep what was last applied. */
    public static final String SPEC_UNREADABLE = "SpecUnreadable";
    /** Another, older DerpRegion holds the region ID; this one is not deployed. */
    public static final String REGION_ID_CONFLICT = "RegionIdConflict";
    /** The operator's configuration does not allow what the spec asks (namespace, image, TLS Secret). */
    public static final String NOT_ALLOWED = "NotAllowed";
    /** An object of the region exists and belongs to someone else; the operator does not take it over. */
    public static final String OWNED_ELSEWHERE = "OwnedElsewhere";
    /** tls.mode CertManager, but cert-manager's Certificate CRD is not installed. */
    public static final String CERT_MANAGER_MISSING = "CertManagerMissing";
    /** tls.mode CertManager: the Certificate's Secret does not exist yet. */
    public static final String CERTIFICATE_PENDING = "CertificatePending";
    /** The API server refused an object of the region. */
    public static final String APPLY_FAILED = "ApplyFailed";
}
