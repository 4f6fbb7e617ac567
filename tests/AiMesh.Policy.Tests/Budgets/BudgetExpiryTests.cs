using AiMesh.Policy.Budgets;
using StackExchange.Redis;

namespace AiMesh.Policy.Tests.Budgets;

/// <summary>
/// A budget period's counts outside the store do not outlive it: Redis hashes expire a day after the period ends, and a
/// replica forgets the periods it kept in memory; a total budget, which never ends, keeps its hash.
/// </summary>
public sealed class BudgetExpiryTests : IAsyncLifetime
{
    private static readonly string Redis = Environment.GetEnvironmentVariable("AIMESH_TEST_REDIS") ?? "127.0.0.1:6379";
    private readonly string prefix = "budget-expiry-" + Guid.NewGuid().ToString("N")[..8];
    private ConnectionMultiplexer redis = null!;

    public async Task InitializeAsync() => redis = await ConnectionMultiplexer.ConnectAsync(Redis);

    public async Task DisposeAsync() => await redis.DisposeAsync();

    [Theory]
    [InlineData("day:2026-11-23", "2026-11-25T00:00:00Z")]
    [InlineData("week:2026-11-23", "2026-12-01T00:00:00Z")]
    [InlineData("month:2026-11-01", "2026-12-02T00:00:00Z")]
    public void A_period_is_kept_a_day_past_its_end(string period, string keepUntil) =>
        Assert.Equal(DateTimeOffset.Parse(keepUntil, System.Globalization.CultureInfo.InvariantCulture), BudgetPeriods.KeepUntil(period));

    [Theory]
    [InlineData("total")]
    [InlineData("fortnight:2026-11-23")]
    [InlineData("day:someday")]
    public void A_total_budget_or_an_unknown_name_is_kept(string period) => Assert.Null(BudgetPeriods.KeepUntil(period));

    [Fact]
    public async Task A_period_hash_in_redis_expires_a_day_after_the_period_and_a_total_one_does_not()
    {
        var store = new RedisBudgetReservations(redis, prefix);
        var today = DateTimeOffset.UtcNow;
        var day = "key:a|" + BudgetPeriods.Name(BudgetPeriod.Day, today);
        var total = "key:a|total";
        var now = today.ToUnixTimeMilliseconds();

        Assert.Equal(-1, await store.ReserveAsync([(day, 10m, 0m), (total, 10m, 0m)], Guid.NewGuid(), 1m, now, now + 60_000, []));

        var db = redis.GetDatabase();
        var expiry = await db.KeyExpireTimeAsync("{" + prefix + "-budgets}:" + day);
        Assert.Equal(BudgetPeriods.KeepUntil(BudgetPeriods.Name(BudgetPeriod.Day, today))!.Value.UtcDateTime, expiry);
        Assert.True(await db.KeyExistsAsync("{" + prefix + "-budgets}:" + total));
        Assert.Null(await db.KeyExpireTimeAsync("{" + prefix + "-budgets}:" + total));
        await db.KeyDeleteAsync("{" + prefix + "-budgets}:" + total);
    }

    [Fact]
    public void A_replica_forgets_periods_kept_past_their_end_with_nothing_reserved()
    {
        var reservations = new BudgetReservations();
        var now = DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        reservations.Load("key:a|day:2026-11-20", 5m);
        reservations.Load("key:a|day:2026-11-22", 5m);
        var held = Guid.NewGuid();
        Assert.Equal(-1, reservations.Reserve([("key:b|day:2026-11-21", null)], held, 1m, now.AddDays(-2).ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds() + 60_000, []));

        Assert.Equal(-1, reservations.Reserve([("key:a|day:2026-11-23", 10m)], Guid.NewGuid(), 1m, now.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds() + 60_000, []));

        // 11-20 ended (kept until 11-22): gone. 11-22 is kept until 11-24, and 11-21 still holds a reservation.
        Assert.False(reservations.IsLoaded("key:a|day:2026-11-20"));
        Assert.True(reservations.IsLoaded("key:a|day:2026-11-22"));
        Assert.Equal(1m, reservations.Standing("key:b|day:2026-11-21").Reserved);
        Assert.Equal(3, reservations.Count);
    }
}
