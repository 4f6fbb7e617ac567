using System.Data.Common;
using AiMesh.Metering.Storage;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Metering.Projections;

/// <summary>Reads <c>usage_rollups</c> rows as they are stored.</summary>
internal sealed class UsageRollupReader(MeteringDbContext db)
{
    /// <summary>Every row of one dimension (all of them when null), in key order.</summary>
    public async Task<IReadOnlyList<KeyValuePair<RollupKey, RollupCounters>>> ReadAsync(string? dimension, CancellationToken cancellationToken = default)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT hour_start, dimension, value, currency, {string.Join(", ", RollupCounters.Columns)} FROM {UsageRollupTable.Name}"
                + (dimension is null ? "" : " WHERE dimension = @dimension");
            if (dimension is not null)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@dimension";
                parameter.Value = dimension;
                command.Parameters.Add(parameter);
            }

            var rows = new List<KeyValuePair<RollupKey, RollupCounters>>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new(Key(reader), Counters(reader)));
            }

            return [.. rows.OrderBy(r => r.Key)];
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
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
