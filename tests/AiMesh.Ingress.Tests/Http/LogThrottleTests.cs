using AiMesh.Ingress.Http;

namespace AiMesh.Ingress.Tests.Http;

public sealed class LogThrottleTests
{
    [Fact]
    public void One_line_per_interval_and_the_next_line_carries_the_count_of_the_others()
    {
        var now = 1_000L;
        var throttle = new LogThrottle(TimeSpan.FromSeconds(10), () => now);

        Assert.True(throttle.TryLog(out var first));
        Assert.Equal(0, first);
        for (var i = 0; i < 500; i++)
        {
            now += 10;
            Assert.False(throttle.TryLog(out _));
        }

        now = 1_000 + 10_000;
        Assert.True(throttle.TryLog(out var second));
        Assert.Equal(500, second);
        Assert.False(throttle.TryLog(out _));
    }

    [Fact]
    public void Concurrent_events_log_once_and_count_every_other()
    {
        var throttle = new LogThrottle(TimeSpan.FromHours(1), () => 0);
        var logged = 0;

        Parallel.For(0, 10_000, _ =>
        {
            if (throttle.TryLog(out _))
            {
                Interlocked.Increment(ref logged);
            }
        });

        Assert.Equal(1, logged);
        var later = new LogThrottle(TimeSpan.Zero, () => 0);
        Assert.True(later.TryLog(out _));
    }
}
