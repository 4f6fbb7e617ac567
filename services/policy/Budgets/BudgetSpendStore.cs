using System.Data.Common;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Budgets;

/// <summary>
/// Settled spend, durable in the policy store (<c>budget_spend</c>, <c>budget_alerts</c>, schema V4). Amounts are kept
/// in billionths of the currency, rounded up: a budget errs on its own side. Adding is one atomic upsert that returns
/// the new total, so replicas settling at once never lose each other's spend.
/// </summary>
internal sealed class BudgetSpendStore(IDbContextFactory<PolicyDbContext> contexts, TimeProvider time)
{
    private const decimal NanosPerUnit = 1_000_000_000m;

    public async Task<decimal> SpentAsync(string budget, string period, CancellationToken cancellationToken)
    {
        var result = await RunAsync(
            "SELECT spent_nanos FROM budget_spend WHERE budget = @budget AND period = @period",
            command => Bind(command, budget, period),
            cancellationToken);
        return result is long nanos ? nanos / NanosPerUnit : 0;
    }

    /// <summary>Adds <paramref name="cost"/> to the period's spend and answers the new total.</summary>
    public async Task<decimal> AddAsync(string budget, string period, decimal cost, CancellationToken cancellationToken)
    {
        var nanos = (long)Math.Ceiling(cost * NanosPerUnit);
        var result = await RunAsync(
            """
            INSERT INTO budget_spend (budget, period, spent_nanos) VALUES (@budget, @period, @nanos)
            ON CONFLICT (budget, period) DO UPDATE SET spent_nanos = budget_spend.spent_nanos + excluded.spent_nanos
            RETURNING spent_nanos
            """,
            command =>
            {
                Bind(command, budget, period);
                Parameter(command, "@nanos", nanos);
            },
            cancellationToken);
        return Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture) / NanosPerUnit;
    }

    /// <summary>Records that the threshold was reached in the period; true for the one caller whose insert made the row.</summary>
    public async Task<bool> ClaimThresholdAsync(string budget, string period, int threshold, CancellationToken cancellationToken)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var sqlite = context.Database.IsSqlite();
        object reached = sqlite ? time.GetUtcNow().ToUnixTimeMilliseconds() : time.GetUtcNow();
        var inserted = await context.Database.ExecuteSqlRawAsync(
            "INSERT INTO budget_alerts (budget, period, threshold, reached_at) VALUES ({0}, {1}, {2}, {3}) ON CONFLICT DO NOTHING",
            [budget, period, threshold, reached],
            cancellationToken);
        return inserted == 1;
    }

    private async Task<object?> RunAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = context.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static void Bind(DbCommand command, string budget, string period)
    {
        Parameter(command, "@budget", budget);
        Parameter(command, "@period", period);
    }

    private static void Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
