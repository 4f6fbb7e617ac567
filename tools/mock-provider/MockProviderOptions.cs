namespace AiMesh.MockProvider;

/// <summary>
/// Defaults for every request; a request's scenario spec (path prefix or <c>x-mock-scenario</c> header)
/// overrides them one key at a time.
/// </summary>
public sealed class MockProviderOptions
{
    /// <summary>Delay before the response headers (non-streamed: before the whole answer), in milliseconds.</summary>
    public int LatencyMs { get; set; }

    /// <summary>Streamed: delay between the headers and the first chunk, in milliseconds.</summary>
    public int TtftMs { get; set; }

    /// <summary>Streamed: delay between tokens, in milliseconds.</summary>
    public int PaceMs { get; set; }

    /// <summary>Length of the canned reply in tokens (words).</summary>
    public int Tokens { get; set; } = 8;

    /// <summary>Port for the in-process server on 127.0.0.1; 0 lets the OS pick a free one.</summary>
    public int Port { get; set; }

    /// <summary>Minimum level the server logs at; warnings only by default so test output stays readable.</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Warning;

    /// <summary>Whether requests are recorded. A benchmark can turn this off.</summary>
    public bool Record { get; set; } = true;

    /// <summary>How many recorded requests are kept; the oldest are dropped beyond that.</summary>
    public int RecordCapacity { get; set; } = 10_000;

    /// <summary>Model ids listed by <c>GET /v1/models</c> besides <c>mock-gpt</c> and <c>mock-embed</c>.</summary>
    public IList<string> Models { get; } = [];

    /// <summary>The AWS access key id the Bedrock routes accept in a SigV4 signature (test credentials, never real ones).</summary>
    public string AwsAccessKeyId { get; set; } = "AKIDMOCKBEDROCK";

    /// <summary>The secret the Bedrock routes verify SigV4 signatures with.</summary>
    public string AwsSecretAccessKey { get; set; } = "mock/bedrock+secret/for+tests+only";

    /// <summary>When set, Bedrock requests must carry it as <c>x-amz-security-token</c> (temporary credentials).</summary>
    public string? AwsSessionToken { get; set; }

    /// <summary>
    /// The PEM public key (SubjectPublicKeyInfo) the mock Google token endpoint (<c>POST /token</c>) verifies
    /// service-account assertions with; without one it refuses every assertion. Tests make the key pair at run time.
    /// </summary>
    public string? ServiceAccountPublicKeyPem { get; set; }

    /// <summary>The application (client) id the mock Entra ID token endpoint (<c>POST /{tenant}/oauth2/v2.0/token</c>) accepts.</summary>
    public string EntraClientId { get; set; } = "5f0c6a1e-3b7d-4c2a-9e8f-1a2b3c4d5e6f";

    /// <summary>The client secret the mock Entra ID token endpoint accepts (a test credential, never a real one).</summary>
    public string EntraClientSecret { get; set; } = "mock~entra.secret-for_tests-only";

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(LatencyMs);
        ArgumentOutOfRangeException.ThrowIfNegative(TtftMs);
        ArgumentOutOfRangeException.ThrowIfNegative(PaceMs);
        ArgumentOutOfRangeException.ThrowIfNegative(Tokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Tokens, Scenarios.Scenario.MaxTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(RecordCapacity, 1);
        ArgumentException.ThrowIfNullOrEmpty(AwsAccessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(AwsSecretAccessKey);
        ArgumentException.ThrowIfNullOrEmpty(EntraClientId);
        ArgumentException.ThrowIfNullOrEmpty(EntraClientSecret);
    }
}
