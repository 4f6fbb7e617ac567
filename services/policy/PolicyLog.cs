namespace AiMesh.Policy;

/// <summary>Policy log messages. Event ids 2000–2099. Never a credential or its hash; a key appears by id or display prefix.</summary>
internal static partial class PolicyLog
{
    [LoggerMessage(2001, LogLevel.Information, "Request {RequestId}: credential rejected for {Operation}")]
    public static partial void KeyRejected(ILogger logger, Guid requestId, string operation);

    [LoggerMessage(2002, LogLevel.Information, "Request {RequestId}: key {KeyId} may not use the model asked for")]
    public static partial void ModelDenied(ILogger logger, Guid requestId, string keyId);

    [LoggerMessage(2004, LogLevel.Warning, "Request {RequestId}: refused, its address had too many rejected credentials; held {RetryAfterSeconds} s more")]
    public static partial void AddressHeld(ILogger logger, Guid requestId, int retryAfterSeconds);

    [LoggerMessage(2003, LogLevel.Information, "Policy serving {KeyCount} configured keys")]
    public static partial void KeysLoaded(ILogger logger, int keyCount);

    [LoggerMessage(2010, LogLevel.Information, "Policy schema ({Provider}) at version {Version}; {AppliedCount} migrations applied now")]
    public static partial void SchemaReady(ILogger logger, string provider, int version, int appliedCount);

    [LoggerMessage(2011, LogLevel.Warning, "Policy schema ({Provider}) not reachable (attempt {Attempt}); retrying in {NextDelay}")]
    public static partial void SchemaUnavailable(ILogger logger, Exception exception, string provider, int attempt, TimeSpan nextDelay);

    [LoggerMessage(2012, LogLevel.Information, "Policy serving {KeyCount} stored keys")]
    public static partial void StoredKeysLoaded(ILogger logger, int keyCount);

    [LoggerMessage(2013, LogLevel.Warning, "Reloading the stored keys failed; serving the last copy")]
    public static partial void StoredKeysReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(2014, LogLevel.Error, "Stored key {KeyId} has an unreadable IP allowlist entry; it is not served")]
    public static partial void StoredKeyUnreadable(ILogger logger, string keyId);

    [LoggerMessage(2015, LogLevel.Warning, "A {Change} event could not be published; other replicas see the change at their next reload")]
    public static partial void ChangeNotAnnounced(ILogger logger, Exception exception, string change);

    [LoggerMessage(2020, LogLevel.Information, "Key {Id} ({DisplayPrefix}) created")]
    public static partial void KeyCreated(ILogger logger, Guid id, string displayPrefix);

    [LoggerMessage(2021, LogLevel.Information, "Key {Id} ({DisplayPrefix}) revoked")]
    public static partial void KeyRevoked(ILogger logger, Guid id, string displayPrefix);

    [LoggerMessage(2022, LogLevel.Information, "Key {OldId} rotated to {NewId} ({DisplayPrefix})")]
    public static partial void KeyRotated(ILogger logger, Guid oldId, Guid newId, string displayPrefix);

    [LoggerMessage(2023, LogLevel.Warning, "Request {RequestId}: the stored keys are not loaded yet")]
    public static partial void StoreNotLoaded(ILogger logger, Guid requestId);

    [LoggerMessage(2030, LogLevel.Error, "Admin request {Method} {Route} failed")]
    public static partial void AdminRequestFailed(ILogger logger, Exception exception, string method, string? route);

    [LoggerMessage(2031, LogLevel.Information, "Bootstrap admin created: user {UserId} in organization {OrganizationId}, key {KeyId}")]
    public static partial void BootstrapAdminCreated(ILogger logger, Guid userId, Guid organizationId, Guid keyId);

    [LoggerMessage(2032, LogLevel.Information, "Bootstrap admin not needed: an admin user exists")]
    public static partial void BootstrapAdminExists(ILogger logger);

    [LoggerMessage(2033, LogLevel.Warning, "Bootstrap admin failed (attempt {Attempt}); retrying in {NextDelay}")]
    public static partial void BootstrapAdminFailed(ILogger logger, Exception exception, int attempt, TimeSpan nextDelay);

    [LoggerMessage(2040, LogLevel.Information, "Provider credential {Id} ({Name}) stored at version {Version} under master key {KeyId}")]
    public static partial void CredentialChanged(ILogger logger, Guid id, string name, long version, string keyId);

    [LoggerMessage(2041, LogLevel.Information, "Provider credential {Id} ({Name}) deleted")]
    public static partial void CredentialDeleted(ILogger logger, Guid id, string name);

    [LoggerMessage(2042, LogLevel.Information, "Master key rotation: {Rotated} credentials re-encrypted under {KeyId}, {Current} already under it, {Unreadable} unreadable")]
    public static partial void CredentialsRotated(ILogger logger, int rotated, string keyId, int current, int unreadable);

    [LoggerMessage(2043, LogLevel.Error, "Provider credential {Id} cannot be decrypted with any configured master key (sealed under {KeyId})")]
    public static partial void CredentialUnreadable(ILogger logger, Guid id, string keyId);

    [LoggerMessage(2044, LogLevel.Information, "Audit trail head #{Sequence} {Hash}")]
    public static partial void AuditHead(ILogger logger, long sequence, string hash);

    [LoggerMessage(2045, LogLevel.Error, "Audit entry #{Sequence} committed but its anchor could not be written to the anchor file")]
    public static partial void AuditAnchorFailed(ILogger logger, Exception exception, long sequence);

    [LoggerMessage(2050, LogLevel.Debug, "Request {RequestId}: refused by a {Kind} rate limit")]
    public static partial void RateLimited(ILogger logger, Guid requestId, string kind);

    [LoggerMessage(2051, LogLevel.Warning, "The rate-limit store failed ({Error}); rules take their store-down choice for {RetryAfter}")]
    public static partial void LimitStoreDown(ILogger logger, string error, TimeSpan retryAfter);

    [LoggerMessage(2052, LogLevel.Warning, "Request {RequestId}: its rate-limit counters could not be settled ({Error}); its slots come back when their hold expires")]
    public static partial void SettleFailed(ILogger logger, Guid requestId, string error);

    [LoggerMessage(2046, LogLevel.Information, "Admin bearer token refused: {Reason}")]
    public static partial void AdminTokenRefused(ILogger logger, string reason);

    [LoggerMessage(2048, LogLevel.Warning, "The rate-limit store could not be reached at start ({Error}); each decision will try it and fall back as its rules chose")]
    public static partial void LimitStoreUnreachableAtStart(ILogger logger, string error);

    [LoggerMessage(2053, LogLevel.Information, "Request {RequestId}: refused by a hard {Scope} budget")]
    public static partial void BudgetExceeded(ILogger logger, Guid requestId, string scope);

    [LoggerMessage(2054, LogLevel.Warning, "A {Scope} budget's reservation expired unsettled; its {Amount} reserved is charged as spent")]
    public static partial void ReservationExpired(ILogger logger, string scope, decimal amount);

    [LoggerMessage(2055, LogLevel.Error, "An expired reservation of {Amount} could not be written to a {Scope} budget's spend ({Error}); the replica's memory still counts it")]
    public static partial void ExpiredChargeFailed(ILogger logger, decimal amount, string scope, string error);

    [LoggerMessage(2056, LogLevel.Information, "A {Scope} budget reached {Threshold} % in period {Period}")]
    public static partial void BudgetThreshold(ILogger logger, string scope, int threshold, string period);

    [LoggerMessage(2057, LogLevel.Warning, "Budget webhook for a {Scope} budget at {Threshold} % failed on attempt {Attempt} of {Attempts} ({Error})")]
    public static partial void WebhookFailed(ILogger logger, string scope, int threshold, int attempt, int attempts, string error);

    [LoggerMessage(2058, LogLevel.Debug, "The routers' price ceilings could not be read ({Failure}); budget reservations keep the prices held")]
    public static partial void RouterPricesUnavailable(ILogger logger, string failure);
}
