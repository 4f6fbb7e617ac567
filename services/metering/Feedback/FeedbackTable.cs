using System.Data.Common;
using AiMesh.Contracts.Metering;
using AiMesh.Metering.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace AiMesh.Metering.Feedback;

/// <summary>
/// <c>request_feedback</c>: one score per request (<see cref="RecordFeedback"/>), apart from <c>usage_events</c>, which
/// is written once and never updated, while a score may be replaced. The primary key is the request id, with
/// <c>usage_events.request_id</c>'s store type, so a score joins its request's event. A later score replaces the earlier
/// one (an upsert, never check-then-insert). Written by hand like <c>shadow_results</c>: an upsert, and reads joined to
/// the usage log. <c>posted_at</c> is Unix milliseconds.
/// </summary>
internal static class FeedbackTable
{
    public const string Name = "request_feedback";

    /// <summary>Longest comment kept, in characters.</summary>
    public const int MaxComment = 2_000;

    /// <returns>Whether the table was missing (and is now created).</returns>
    public static async Task<bool> EnsureAsync(MeteringDbContext db, CancellationToken cancellationToken)
    {
        if (await MeteringDatabase.TableExistsAsync(db, Name, cancellationToken))
        {
            return false;
        }

        // Constant text: names and the model's store type. IF NOT EXISTS lets two replicas racing both succeed.
        var create = $"CREATE TABLE IF NOT EXISTS {Name} (request_id {RequestId(db).GetRelationalTypeMapping().StoreType} NOT NULL PRIMARY KEY, "
            + "score DOUBLE PRECISION NOT NULL, comment TEXT NULL, key_id TEXT NOT NULL, principal_id TEXT NOT NULL, posted_at BIGINT NOT NULL)";
        await db.Database.ExecuteSqlRawAsync(create, cancellationToken);
        return true;
    }

    /// <summary>
    /// Keeps the score, replacing any earlier one for the request: an update, else an insert whose conflict (another
    /// first score in between) updates too. Every value is a parameter.
    /// </summary>
    /// <returns>Whether an earlier score was replaced.</returns>
    public static async Task<bool> UpsertAsync(MeteringDbContext db, RecordFeedback feedback, DateTimeOffset postedAt, CancellationToken cancellationToken)
    {
        var mapping = (RelationalTypeMapping)RequestId(db).GetRelationalTypeMapping();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var update = connection.CreateCommand();
            update.CommandText = $"UPDATE {Name} SET score = @score, comment = @comment, key_id = @key, principal_id = @principal, posted_at = @at WHERE request_id = @id";
            Bind(update, mapping, feedback, postedAt);
            if (await update.ExecuteNonQueryAsync(cancellationToken) > 0)
            {
                return true;
            }

            await using var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT INTO {Name} (request_id, score, comment, key_id, principal_id, posted_at) VALUES (@id, @score, @comment, @key, @principal, @at) "
                + "ON CONFLICT (request_id) DO UPDATE SET score = excluded.score, comment = excluded.comment, key_id = excluded.key_id, "
                + "principal_id = excluded.principal_id, posted_at = excluded.posted_at";
            Bind(insert, mapping, feedback, postedAt);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            return false;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The scores of the requests naming <paramref name="promptId"/>, by request id.</summary>
    public static async Task<Dictionary<Guid, double>> ScoresAsync(MeteringDbContext db, string promptId, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT f.request_id, f.score FROM {Name} f JOIN {UsageEventMap.Table} e ON e.request_id = f.request_id WHERE e.prompt_id = @prompt";
            Parameter(command, "@prompt", promptId);
            var scores = new Dictionary<Guid, double>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                scores[reader.GetGuid(0)] = reader.GetDouble(1);
            }

            return scores;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static void Bind(DbCommand command, RelationalTypeMapping mapping, RecordFeedback feedback, DateTimeOffset postedAt)
    {
        command.Parameters.Add(mapping.CreateParameter(command, "@id", feedback.ScoredRequestId));
        Parameter(command, "@score", feedback.Score);
        Parameter(command, "@comment", feedback.Comment);
        Parameter(command, "@key", feedback.KeyId);
        Parameter(command, "@principal", feedback.PrincipalId);
        Parameter(command, "@at", postedAt.ToUnixTimeMilliseconds());
    }

    private static void Parameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static IProperty RequestId(MeteringDbContext db) =>
        db.Model.FindEntityType(typeof(UsageEvent))!.FindProperty(nameof(UsageEvent.RequestId))!;
}
