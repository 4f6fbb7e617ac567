using AiMesh.Router.Routing;

namespace AiMesh.Router.Tests.Routing;

public sealed class InFlightCallsTests
{
    [Fact]
    public void Abandoning_a_running_call_cancels_it()
    {
        var calls = new InFlightCalls(TimeProvider.System);
        var id = Guid.NewGuid();
        using var lease = calls.Begin(id, CancellationToken.None);
        using var other = calls.Begin(Guid.NewGuid(), CancellationToken.None);

        Assert.True(calls.Abandon(id));
        Assert.True(lease.Token.IsCancellationRequested);
        Assert.True(lease.AbandonedByClient);
        Assert.False(other.Token.IsCancellationRequested);
    }

    [Fact]
    public void An_abandonment_that_arrives_first_cancels_the_call_when_it_starts()
    {
        var calls = new InFlightCalls(TimeProvider.System);
        var id = Guid.NewGuid();
        Assert.False(calls.Abandon(id));
        using var lease = calls.Begin(id, CancellationToken.None);
        Assert.True(lease.Token.IsCancellationRequested);
        Assert.True(lease.AbandonedByClient);
    }

    [Fact]
    public void The_consumer_token_cancels_too()
    {
        var calls = new InFlightCalls(TimeProvider.System);
        using var consumer = new CancellationTokenSource();
        using var lease = calls.Begin(Guid.NewGuid(), consumer.Token);
        consumer.Cancel();
        Assert.True(lease.Token.IsCancellationRequested);
        Assert.False(lease.AbandonedByClient);
    }

    [Fact]
    public void An_ended_call_is_forgotten()
    {
        var calls = new InFlightCalls(TimeProvider.System);
        var id = Guid.NewGuid();
        calls.Begin(id, CancellationToken.None).Dispose();
        Assert.Equal(0, calls.Count);
        Assert.False(calls.Abandon(id));
    }
}
