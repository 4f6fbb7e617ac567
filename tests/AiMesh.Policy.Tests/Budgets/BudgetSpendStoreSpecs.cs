using AiMesh.Policy.Budgets;
using AiMesh.Policy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Policy.Tests.Budgets;

/// <summary>
/// The spend store's group commit on each provider: concurrent settles in two replicas on one database each get a
/// distinct running total, together exactly the sequence of the amounts, and the store holds their sum.
/// </summary>
public abstract class BudgetSpendStoreSpecs(ITestStore store)
{
    [Fact]
    public async Task Concurrent_settles_on_two_replicas_each_see_a_distinct_running_total_and_none_is_lost()
    {
        var connectionString = await store.NewDatabaseAsync();
        await using var a = await StartAsync(connectionString);
        await using var b = await StartAsync(connectionString);
        var stores = new[] { a, b }.Select(p => p.Services.GetRequiredService<BudgetSpendStore>()).ToArray();

        var totals = await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
            Task.Run(() => stores[i % 2].AddAsync("team:t", "month:2026-11-01", 1m, CancellationToken.None))));

        Assert.Equal(Enumerable.Range(1, 300).Select(i => (decimal)i), totals.Order());
        Assert.Equal(300m, await stores[0].SpentAsync("team:t", "month:2026-11-01", CancellationToken.None));
        Assert.Equal(0m, await stores[1].SpentAsync("team:t", "month:2026-10-01", CancellationToken.None));
    }

    private Task<PolicyHost> StartAsync(string connectionString) => PolicyHost.StartAsync(new()
    {
        ["Policy:Database:Provider"] = store.Provider,
        ["Policy:Database:ConnectionString"] = connectionString,
        ["Policy:Budgets:Rules:0:Scope"] = "Team",
        ["Policy:Budgets:Rules:0:Period"] = "Month",
        ["Policy:Budgets:Rules:0:Amount"] = "1000",
    });
}

public sealed class SqliteBudgetSpendStoreSpecs(SqliteTestStore store) : BudgetSpendStoreSpecs(store), IClassFixture<SqliteTestStore>;

public sealed class PostgresBudgetSpendStoreSpecs(PostgresTestStore store) : BudgetSpendStoreSpecs(store), IClassFixture<PostgresTestStore>;
