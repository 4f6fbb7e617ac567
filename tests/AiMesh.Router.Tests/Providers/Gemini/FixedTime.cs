namespace AiMesh.Router.Tests.Providers.Gemini;

/// <summary>A clock that stands still until a test moves it; timers run on the system clock's scheduler.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset now = now;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
