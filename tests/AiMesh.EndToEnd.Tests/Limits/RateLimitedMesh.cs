using AiMesh.EndToEnd.Tests.Authentication;

namespace AiMesh.EndToEnd.Tests.Limits;

/// <summary>
/// The embedded mesh with rate limits: the limited key may make <see cref="LimitedKeyPerMinute"/> requests a minute,
/// the lagging model may serve <see cref="LaggingConcurrency"/> requests at once, and the test key has
/// <see cref="TestKeyTokensPerMinute"/> tokens a minute. Nothing is charged for output a request does not ask for
/// (DefaultMaxOutputTokens 0), so only the token test's <c>max_tokens</c> weighs on the token limit.
/// </summary>
public sealed class RateLimitedMesh() : CapturedEmbeddedMesh("limits")
{
    public const int LimitedKeyPerMinute = 3;
    public const int LaggingConcurrency = 2;
    public const int TestKeyTokensPerMinute = 1000;

    protected override Task ConfigureAsync(List<string> args, string directory)
    {
        args.AddRange(
        [
            "--Policy:Limits:DefaultMaxOutputTokens=0",
            "--Policy:Limits:Rules:0:Scope=Key",
            "--Policy:Limits:Rules:0:Match=limited-key",
            $"--Policy:Limits:Rules:0:RequestsPerMinute={LimitedKeyPerMinute}",
            "--Policy:Limits:Rules:1:Scope=Model",
            "--Policy:Limits:Rules:1:Match=lagging-model",
            $"--Policy:Limits:Rules:1:Concurrent={LaggingConcurrency}",
            "--Policy:Limits:Rules:2:Scope=Key",
            "--Policy:Limits:Rules:2:Match=test-key",
            $"--Policy:Limits:Rules:2:TokensPerMinute={TestKeyTokensPerMinute}",
        ]);
        return Task.CompletedTask;
    }
}
