using System.Net;
using System.Net.Sockets;
using AiMesh.Contracts.Policy;
using AiMesh.Hosting.Limits;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Limits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiMesh.Policy.Tests.Limits;

/// <summary>
/// The limiter on a real Redis: three replicas (three limiters, each with its own connection, as three policy
/// processes have) hammered concurrently admit exactly the limit between them; concurrency slots are shared and given
/// back; and a Redis that cannot be reached makes each rule take its configured choice, counted, within the store
/// timeout, never hanging.
/// </summary>
public sealed class RedisLimitTests : IAsyncLifetime
{
    private static readonly string Redis = Environment.GetEnvironmentVariable("AIMESH_TEST_REDIS") ?? "127.0.0.1:6379";
    private readonly string key = "replicas-" + Guid.NewGuid().ToString("N");
    private readonly List<ConnectionMultiplexer> connections = [];
    private readonly ServiceProvider meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private LimitMetrics? metrics;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        await meters.DisposeAsync();
    }

    [Fact]
    public async Task Three_replicas_sharing_redis_admit_exactly_the_limit_between_them()
    {
        const int limit = 50;
        // Closed and a patient timeout: this is about sharing; a fallback (RedisLimitTests below) could only refuse here.
        var rule = new LimitRule { Scope = LimitScope.Key, RequestsPerMinute = limit, OnStoreDown = StoreDownChoice.Closed };
        var replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ReplicaAsync(Redis, rule, storeTimeout: TimeSpan.FromSeconds(5))));
        var window = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;

        var decisions = await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
            Task.Run(() => replicas[i % 3].DecideAsync(Chat(), Grant(key), CancellationToken.None))));

        // A minute window cannot be asked for twice in a test this short, unless the minute turned during it.
        var turned = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 != window;
        var admitted = decisions.Count(d => d.Admitted);
        Assert.InRange(admitted, limit, turned ? 2 * limit : limit);
        Assert.All(decisions.Where(d => !d.Admitted), d => Assert.Equal((429, "rate_limit_exceeded"), (d.Status, d.Code)));
    }

    [Fact]
    public async Task A_prompt_APIs_own_limit_counts_every_caller_on_every_replica_with_no_rule_configured()
    {
        var clock = new StillClock(DateTimeOffset.UtcNow);
        var replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ReplicaAsync(Redis, null, storeTimeout: TimeSpan.FromSeconds(5), clock: clock)));
        var api = "prompt:" + key;
        AuthorizeRequest Call() => new(Guid.NewGuid(), "", "chat.completions", api, "127.0.0.1", ApiRequestsPerMinute: 10);

        // Thirty calls by three keys through three replicas: the API's ten, shared.
        var decisions = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            Task.Run(() => replicas[i % 3].DecideAsync(Call(), Grant(key + (i % 3)), CancellationToken.None))));

        Assert.Equal(10, decisions.Count(d => d.Admitted));
        Assert.All(decisions.Where(d => !d.Admitted), d => Assert.Equal((429, "rate_limit_exceeded"), (d.Status, d.Code)));

        // Another API, and a call naming no API limit, are not counted in it.
        Assert.True((await replicas[0].DecideAsync(Call() with { Model = api + "-other" }, Grant(key), CancellationToken.None)).Admitted);
        Assert.True((await replicas[0].DecideAsync(Call() with { ApiRequestsPerMinute = null }, Grant(key), CancellationToken.None)).Admitted);
    }

    [Fact]
    public async Task A_concurrency_slot_is_shared_by_replicas_and_comes_back_when_settled()
    {
        var rule = new LimitRule { Scope = LimitScope.Key, Concurrent = 2 };
        var (a, b) = (await ReplicaAsync(Redis, rule), await ReplicaAsync(Redis, rule));

        var first = await a.DecideAsync(Chat(), Grant(key), CancellationToken.None);
        var second = await b.DecideAsync(Chat(), Grant(key), CancellationToken.None);
        var third = await a.DecideAsync(Chat(), Grant(key), CancellationToken.None);

        Assert.Equal((true, true, false), (first.Admitted, second.Admitted, third.Admitted));
        await b.SettleAsync(new SettleRequest(Guid.NewGuid(), first.Settlement!, 10), CancellationToken.None);
        Assert.False((await a.DecideAsync(Chat(), Grant(key), CancellationToken.None)).Admitted);

        var firstRequest = Guid.Parse("00000000-0000-0000-0000-000000000001");
        var held = await a.DecideAsync(Chat(firstRequest), Grant(key + "-b"), CancellationToken.None);
        await a.DecideAsync(Chat(), Grant(key + "-b"), CancellationToken.None);
        Assert.False((await b.DecideAsync(Chat(), Grant(key + "-b"), CancellationToken.None)).Admitted);
        await b.SettleAsync(new SettleRequest(firstRequest, held.Settlement!, 10), CancellationToken.None);
        Assert.True((await b.DecideAsync(Chat(), Grant(key + "-b"), CancellationToken.None)).Admitted);
    }

    [Theory]
    [InlineData("Open", true, 200)]
    [InlineData("Closed", false, 503)]
    public async Task With_redis_unreachable_a_rule_fails_open_or_closed_as_configured_within_the_store_timeout(string onStoreDown, bool admitted, int status)
    {
        var choice = Enum.Parse<StoreDownChoice>(onStoreDown);
        var rule = new LimitRule { Scope = LimitScope.Key, RequestsPerMinute = 1, OnStoreDown = choice };
        var limiter = await ReplicaAsync(ClosedPort(), rule);
        var fallbacks = 0L;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "aimesh.policy.ratelimit.store_fallbacks" && ReferenceEquals(instrument.Meter, metrics!.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (tags.ToArray().Any(t => t.Key == "choice" && string.Equals((string?)t.Value, onStoreDown, StringComparison.OrdinalIgnoreCase)))
            {
                Interlocked.Add(ref fallbacks, value);
            }
        });
        listener.Start();

        var decisions = new List<LimitDecision>();
        for (var i = 0; i < 3; i++)
        {
            decisions.Add(await limiter.DecideAsync(Chat(), Grant(key), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.All(decisions, d => Assert.Equal((admitted, status), (d.Admitted, d.Status)));
        Assert.Equal(3, Interlocked.Read(ref fallbacks));
    }

    [Fact]
    public async Task With_redis_unreachable_a_local_rule_counts_this_replicas_share()
    {
        var rule = new LimitRule { Scope = LimitScope.Key, RequestsPerMinute = 9, OnStoreDown = StoreDownChoice.Local };
        // The minute is held still: with the wall clock it can turn anywhere among the ten calls (3 to 6 admitted).
        var limiter = await ReplicaAsync(ClosedPort(), rule, replicas: 3, clock: new StillClock(new DateTimeOffset(2026, 11, 23, 12, 0, 30, TimeSpan.Zero)));

        var admitted = 0;
        for (var i = 0; i < 10; i++)
        {
            admitted += (await limiter.DecideAsync(Chat(), Grant(key), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10))).Admitted ? 1 : 0;
        }

        // 9 ÷ 3 replicas: 3 here.
        Assert.Equal(3, admitted);
    }

    private async Task<RateLimiter> ReplicaAsync(string redis, LimitRule? rule, int replicas = 1, TimeSpan? storeTimeout = null, TimeProvider? clock = null)
    {
        var options = new LimitOptions
        {
            Store = LimitStoreKind.Redis,
            Redis = redis,
            Rules = rule is null ? [] : [rule],
            Replicas = replicas,
            StoreTimeout = storeTimeout ?? TimeSpan.FromMilliseconds(500),
        };
        var configuration = ConfigurationOptions.Parse(redis);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = 500;
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        connections.Add(connection);
        metrics = new LimitMetrics(meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        // No rule set per entity: the entity rules are never loaded, so they need no store.
        var entities = new EntityRules(null!, Options.Create(options));
        var guard = new SharedStoreGuard(options.StoreTimeout, options.StoreRetryAfter, TimeProvider.System, (_, _) => { });
        return new RateLimiter(Options.Create(options), new RedisLimitStore(connection), new MemoryLimitStore(), guard, entities, metrics, clock ?? TimeProvider.System, NullLogger<RateLimiter>.Instance);
    }

    private static AuthorizeRequest Chat(Guid? id = null) => new(id ?? Guid.NewGuid(), "", "chat.completions", "gpt-4o-mini", "127.0.0.1");

    private static KeyGrant Grant(string keyId) => new(keyId, "app", null, null);

    private static string ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
    }

    private sealed class StillClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
