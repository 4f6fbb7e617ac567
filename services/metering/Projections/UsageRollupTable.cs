using System.Data.Common;
using System.Globalization;
using System.Text;
using AiMesh.Metering.Storage;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Metering.Projections;

/// <summary>
/// <c>usage_rollups</c>, the hourly projection of <c>usage_events</c>: written by hand (not an EF entity) because it is
/// only ever read and written with upserts and sums. One primary key, (hour_start, dimension, value, currency), which
/// the upsert's <c>ON CONFLICT</c> targets on both providers. Days are sums of hours at query time; hours are UTC.
/// </summary>
internal static class UsageRollupTable
{
    public const string Name = "usage_rollups";

    /// <summary>Rows per upsert statement: two parameters a row keeps every statement far below both providers' limits.</summary>
    public const int RowsPerStatement = 500;

    private static readonly string Create =
        $"CREATE TABLE IF NOT EXISTS {Name} (hour_start BIGINT NOT NULL, dimension TEXT NOT NULL, value TEXT NOT NULL, currency TEXT NOT NULL, "
        + string.Concat(RollupCounters.Columns.Select(c => c + " BIGINT NOT NULL DEFAULT 0, "))
        + "PRIMARY KEY (hour_start, dimension, value, currency))";

    private static readonly string Update =
        string.Join(", ", RollupCounters.Columns.Select(c => $"{c} = {Name}.{c} + excluded.{c}"));

    /// <returns>Whether the table was missing (and is now created, empty).</returns>
    public static async Task<bool> EnsureAsync(MeteringDbContext db, CancellationToken cancellationToken)
    {
        if (await MeteringDatabase.TableExistsAsync(db, Name, cancellationToken))
        {
            return false;
        }

        await db.Database.ExecuteSqlRawAsync(Create, cancellationToken);
        return true;
    }

    /// <summary>
    /// Adds <paramref name="rows"/> to the table inside <paramref name="transaction"/>:
    /// <c>INSERT … ON CONFLICT (key) DO UPDATE SET x = x + excluded.x</c>, one statement per
    /// <see cref="RowsPerStatement"/> rows. The rows must be distinct and in key order (as
    /// <see cref="UsageRollupBuilder.Rows"/> gives them): PostgreSQL refuses a statement that updates one row twice, and
    /// one order for every writer means concurrent writers cannot deadlock on the rows they share.
    /// Counters and hours are numbers this service computed and go into the text as literals; the value and the
    /// currency come from messages and are always parameters.
    /// </summary>
    public static async Task UpsertAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<KeyValuePair<RollupKey, RollupCounters>> rows, CancellationToken cancellationToken)
    {
        for (var start = 0; start < rows.Count; start += RowsPerStatement)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var text = new StringBuilder("INSERT INTO ").Append(Name).Append(" (hour_start, dimension, value, currency, ")
                .AppendJoin(", ", RollupCounters.Columns).Append(") VALUES ");
            var end = Math.Min(rows.Count, start + RowsPerStatement);
            for (var i = start; i < end; i++)
            {
                var (key, counters) = rows[i];
                text.Append(i == start ? "(" : ", (")
                    .Append(key.HourStart.ToString(CultureInfo.InvariantCulture))
                    .Append(", '").Append(Dimension(key.Dimension)).Append("', ")
                    .Append(Parameter(command, "v" + i, key.Value)).Append(", ")
                    .Append(Parameter(command, "c" + i, key.Currency));
                foreach (var value in counters.Values)
                {
                    text.Append(", ").Append(value.ToString(CultureInfo.InvariantCulture));
                }

                text.Append(')');
            }

            text.Append(" ON CONFLICT (hour_start, dimension, value, currency) DO UPDATE SET ").Append(Update);
            command.CommandText = text.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static string Dimension(string dimension) =>
        UsageDimensions.Names.Contains(dimension) ? dimension : throw new ArgumentException($"Unknown usage dimension '{dimension}'.", nameof(dimension));

    private static string Parameter(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return "@" + name;
    }
}
