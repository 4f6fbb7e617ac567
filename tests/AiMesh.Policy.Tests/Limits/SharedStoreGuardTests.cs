using AiMesh.Hosting.Limits;

namespace AiMesh.Policy.Tests.Limits;

/// <summary>
/// The guard in front of a shared limit store (policy's rate limits and budgets, the router's deployment limits): one
/// timeout per call, a rest after three failures in a row, one more failure after the rest rests again at once, and
/// the caller's own cancellation never taken for a store failure.
/// </summary>
public sealed class SharedStoreGuardTests
{
    private static readonly TimeSpan Rest = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Three_failures_in_a_row_rest_the_store_and_no_call_is_made_until_the_rest_is_over()
    {
        var clock = new ManualClock();
        var rests = new List<(string Failure, TimeSpan For)>();
        var guard = new SharedStoreGuard(TimeSpan.FromSeconds(1), Rest, clock, (failure, rest) => rests.Add((failure, rest)));
        var calls = 0;
        Task<int> Failing(CancellationToken _)
        {
            calls++;
            throw new TimeoutException();
        }

        for (var i = 0; i < SharedStoreGuard.FailuresBeforeResting; i++)
        {
            Assert.False((await guard.TryAsync(Failing, CancellationToken.None)).Succeeded);
        }

        Assert.Equal([("TimeoutException", Rest)], rests);
        Assert.True(guard.IsResting);
        Assert.False((await guard.TryAsync(Failing, CancellationToken.None)).Succeeded);
        Assert.Equal(3, calls);

        // After the rest the store is asked again; still failing, it rests again after one failure, not three.
        clock.Now += Rest;
        Assert.False(guard.IsResting);
        Assert.False((await guard.TryAsync(Failing, CancellationToken.None)).Succeeded);
        Assert.Equal(4, calls);
        Assert.Equal(2, rests.Count);
        Assert.True(guard.IsResting);
    }

    [Fact]
    public async Task A_success_between_failures_starts_the_count_again()
    {
        var guard = new SharedStoreGuard(TimeSpan.FromSeconds(1), Rest, new ManualClock(), (_, _) => { });
        static Task<int> Failing(CancellationToken _) => throw new StackExchange.Redis.RedisConnectionException(StackExchange.Redis.ConnectionFailureType.SocketFailure, "down");

        await guard.TryAsync(Failing, CancellationToken.None);
        await guard.TryAsync(Failing, CancellationToken.None);
        Assert.Equal((true, 7), await guard.TryAsync(_ => Task.FromResult(7), CancellationToken.None));
        await guard.TryAsync(Failing, CancellationToken.None);
        await guard.TryAsync(Failing, CancellationToken.None);
        Assert.False(guard.IsResting);
    }

    [Fact]
    public async Task A_call_slower_than_the_timeout_fails_even_when_it_ignores_its_token()
    {
        var guard = new SharedStoreGuard(TimeSpan.FromMilliseconds(50), Rest, new ManualClock(), (_, _) => { });
        var never = new TaskCompletionSource<int>();

        var (succeeded, _) = await guard.TryAsync(_ => never.Task, CancellationToken.None);

        Assert.False(succeeded);
    }

    [Fact]
    public async Task The_callers_cancellation_is_thrown_not_counted_as_a_store_failure()
    {
        var guard = new SharedStoreGuard(TimeSpan.FromSeconds(10), Rest, new ManualClock(), (_, _) => { });
        using var left = new CancellationTokenSource();
        left.Cancel();

        for (var i = 0; i < SharedStoreGuard.FailuresBeforeResting; i++)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => guard.TryAsync(token => Task.Delay(1000, token).ContinueWith(_ => 1, token), left.Token));
        }

        Assert.False(guard.IsResting);
    }

    [Theory]
    [InlineData(100, 3, 34)]
    [InlineData(100, 1, 100)]
    [InlineData(1, 4, 1)]
    public void A_replicas_share_is_rounded_up(long limit, int replicas, long share) =>
        Assert.Equal(share, SharedStoreGuard.ShareOf(limit, replicas));

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
