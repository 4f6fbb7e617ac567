namespace AiMesh.Router.Tests.Providers.Bedrock;

/// <summary>A clock that always says <see cref="BedrockCalls.Now"/> (or the given time).</summary>
internal sealed class FixedTime(DateTimeOffset? now = null) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now ?? BedrockCalls.Now;
}
