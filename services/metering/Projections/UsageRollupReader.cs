using System.Data.Common;
using System.Text;
using AiMesh.Metering.Storage;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Metering.Projections;

/// <summary>Reads <c>usage_rollups</c> rows as they are stored.</summary>
internal sealed class UsageRollupReader(MeteringDbContext db)
{
    /// <summary>Every row (of one dimension when given), in key order.</summary>
    public Task<IReadOnlyList<KeyValuePair<RollupKey, RollupCounters>>> ReadAsync(string? dimension, CancellationToken cancellationToken = default) =>
        ReadAsync(dimension, long.MinValue, long.MaxValue, null, cancellationToken);

    /// <summary>
    /// The rows of one dimension (all when null) whose hour starts in [<paramref name="fromHour"/>,
    /// <paramref name="toSeconds"/>) (Unix seconds), of the given values only when <paramref name="values"/> is set, in
    /// key order. Up to <see cref="MaxValuesInStatement"/> values are filtered by the database, more in memory.
    /// </summary>
    public async Task<IReadOnlyList<KeyValuePair<RollupKey, RollupCounters>>> ReadAsync(
        string? dimension, long fromHour, long toSeconds, IReadOnlySet<string>? values, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            var text = new StringBuilder($"SELECT hour_start, dimension, value, currency, {string.Join(", ", RollupCounters.Columns)} FROM {UsageRollupTable.Name}")
                .Append(" WHERE hour_start >= ").Append(Parameter(command, "from", fromHour))
                .Append(" AND hour_start < ").Append(Parameter(command, "to", toSeconds));
            if (dimension is not null)
            {
                text.Append(" AND dimension = ").Append(Parameter(command, "dimension", dimension));
            }

            if (values is { Count: > 0 and <= MaxValuesInStatement })
            {
                text.Append(" AND value IN (").AppendJoin(", ", values.Select((v, i) => Parameter(command, "v" + i, v))).Append(')');
            }

            command.CommandText = text.ToString();
            var rows = new List<KeyValuePair<RollupKey, RollupCounters>>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = Key(reader);
                if (values is null || values.Contains(key.Value))
                {
                    rows.Add(new(key, Counters(reader)));
                }
            }

            return [.. rows.OrderBy(r => r.Key)];
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private const int MaxValuesInStatement = 500;

    private static string Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return "@" + name;
    }

    private static RollupKey Key(DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));

    private static RollupCounters Counters(DbDataReader reader)
    {
        var counters = new RollupCounters();
        for (var i = 0; i < counters.Values.Length; i++)
        {
            counters.Values[i] = reader.GetInt64(4 + i);
        }

        return counters;
    }
}
