namespace AiMesh.Router.Deployments;

/// <summary>
/// Static AWS credentials of a deployment, read once from the environment variables its configuration names (or
/// the standard <c>AWS_ACCESS_KEY_ID</c> / <c>AWS_SECRET_ACCESS_KEY</c> / <c>AWS_SESSION_TOKEN</c>). The secret
/// never leaves the router: SigV4 sends only the key id and a signature. The session token is sent, to the
/// deployment's host only. A class with a redacting <c>ToString</c>, so nothing prints them by accident.
/// </summary>
internal sealed class AwsCredentials(string accessKeyId, ApiKey secretAccessKey, ApiKey? sessionToken = null)
{
    public string AccessKeyId { get; } = accessKeyId;

    public ApiKey SecretAccessKey { get; } = secretAccessKey;

    /// <summary>For temporary credentials (STS); null for long-term keys.</summary>
    public ApiKey? SessionToken { get; } = sessionToken;

    public override string ToString() => "[redacted]";
}
