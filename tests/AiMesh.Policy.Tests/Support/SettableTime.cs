namespace AiMesh.Policy.Tests.Support;

/// <summary>A clock the test moves by hand; timers still run on the system clock.</summary>
internal sealed class SettableTime(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public DateTimeOffset Now => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
