namespace AiMesh.Policy.Admin;

/// <summary>The actor, or the status to answer instead (401, 403, 429 or 503).</summary>
internal sealed record AdminAuthenticationResult(AdminActor? Actor, int? RefusalStatus, int? RetryAfterSeconds = null)
{
    /// <summary>The address had too many rejected credentials (<see cref="Hosting.Security.FailedAttempts"/>).</summary>
    public static AdminAuthenticationResult Held(int retryAfterSeconds) => new(null, StatusCodes.Status429TooManyRequests, retryAfterSeconds);

    public static AdminAuthenticationResult Unauthenticated { get; } = new(null, StatusCodes.Status401Unauthorized);

    public static AdminAuthenticationResult NoAdminRights { get; } = new(null, StatusCodes.Status403Forbidden);

    public static AdminAuthenticationResult Unavailable { get; } = new(null, StatusCodes.Status503ServiceUnavailable);
}
