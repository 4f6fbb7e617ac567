using AiMesh.Router.Admission;
using AiMesh.Router.Configuration;
using AiMesh.Router.Tests.Support;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Routing;

/// <summary>
/// The line itself (services/router/Admission/AdmissionLine.cs, AdmissionTicket.cs): its order, its bounds, and that a
/// wake is never lost between a head's refusal and its next wait. What the router does with it is AdmissionTests'.
/// </summary>
public sealed class AdmissionLineTests
{
    [Fact]
    public void Higher_priority_comes_first_equal_priority_in_arrival_order()
    {
        var line = Queues().LineFor("gpt-4o-mini", [TestDeployments.Create()]);

        using var low = line.TryJoin(Guid.NewGuid(), -5, 0, 10)!;
        using var first = line.TryJoin(Guid.NewGuid(), 0, 0, 10)!;
        using var second = line.TryJoin(Guid.NewGuid(), 0, 0, 10)!;
        using var high = line.TryJoin(Guid.NewGuid(), 10, 0, 10)!;
        var heads = new List<AdmissionTicket>();
        foreach (var ticket in new[] { high, first, second, low })
        {
            heads.Add(new[] { low, first, second, high }.Single(t => t.IsHead));
            ticket.Dispose();
        }

        Assert.Equal([high, first, second, low], heads);
        Assert.Equal(0, line.Count);
        Assert.False(line.HasWaitersAtOrAbove(0));
    }

    [Fact]
    public void A_newcomer_must_not_overtake_waiters_of_its_priority_or_higher_but_may_pass_lower_ones()
    {
        var line = Queues().LineFor("gpt-4o-mini", [TestDeployments.Create()]);
        using var waiting = line.TryJoin(Guid.NewGuid(), 5, 0, 10)!;

        Assert.True(line.HasWaitersAtOrAbove(5));
        Assert.True(line.HasWaitersAtOrAbove(0));
        Assert.False(line.HasWaitersAtOrAbove(6));
    }

    [Fact]
    public void The_line_and_the_replica_bound_the_waiters_and_a_place_given_back_is_taken_again()
    {
        var queues = Queues(maxConcurrentCalls: 6); // three waiters for the replica: half its slots
        var one = queues.LineFor("gpt-4o-mini", [TestDeployments.Create()]);
        var other = queues.LineFor("gpt-4o", [TestDeployments.Create() with { Name = "other", Model = "gpt-4o" }]);

        var a = one.TryJoin(Guid.NewGuid(), 0, 0, maxWaiting: 2);
        var b = one.TryJoin(Guid.NewGuid(), 0, 0, maxWaiting: 2);
        var lineFull = one.TryJoin(Guid.NewGuid(), 0, 0, maxWaiting: 2);
        var c = other.TryJoin(Guid.NewGuid(), 0, 0, maxWaiting: 2);
        var replicaFull = other.TryJoin(Guid.NewGuid(), 0, 0, maxWaiting: 2);
        a!.Dispose();
        var again = other.TryJoin(Guid.NewGuid(), 0, 0, maxWaiting: 2);

        Assert.NotNull(b);
        Assert.Null(lineFull);
        Assert.NotNull(c);
        Assert.Null(replicaFull);
        Assert.NotNull(again);
        Assert.Equal(3, queues.Waiting);
    }

    [Fact]
    public async Task A_wake_that_comes_before_the_wait_is_kept_and_leaving_wakes_the_next_head()
    {
        var line = Queues().LineFor("gpt-4o-mini", [TestDeployments.Create()]);
        var head = line.TryJoin(Guid.NewGuid(), 0, 0, 10)!;
        using var next = line.TryJoin(Guid.NewGuid(), 0, 0, 10)!;

        // Capacity came back while the head was still trying: its next wait returns at once.
        line.Wake();
        var kept = await head.WaitAsync(TimeSpan.FromMinutes(1), TimeProvider.System, CancellationToken.None);
        var waitingForTurn = next.WaitAsync(TimeSpan.FromMinutes(1), TimeProvider.System, CancellationToken.None);
        var before = waitingForTurn.IsCompleted;
        head.Dispose();
        var woken = await waitingForTurn;

        Assert.True(kept);
        Assert.False(before);
        Assert.True(woken);
        Assert.True(next.IsHead);
    }

    [Fact]
    public async Task A_wait_ends_false_when_its_time_passes_and_throws_when_the_client_leaves()
    {
        var line = Queues().LineFor("gpt-4o-mini", [TestDeployments.Create()]);
        using var ticket = line.TryJoin(Guid.NewGuid(), 0, 0, 10)!;
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();

        var timedOut = await ticket.WaitAsync(TimeSpan.Zero, TimeProvider.System, CancellationToken.None);

        Assert.False(timedOut);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ticket.WaitAsync(TimeSpan.FromMinutes(1), TimeProvider.System, gone.Token));
    }

    private static AdmissionQueues Queues(int maxConcurrentCalls = 256)
    {
        var options = new RouterOptions { MaxConcurrentCalls = maxConcurrentCalls };
        return new AdmissionQueues(Options.Create(options));
    }
}
