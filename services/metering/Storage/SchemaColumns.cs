using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace AiMesh.Metering.Storage;

/// <summary>
/// The additive schema step: every column the EF model maps on <c>usage_events</c> that an existing table lacks
/// (a database made by an older build) is added, nullable, with the model's own store type, on either provider
/// (PostgreSQL: <c>ADD COLUMN IF NOT EXISTS</c>, so replicas racing both succeed; SQLite: the missing ones only, and
/// a replica that loses the race fails this attempt and finds them on its next). Rows stored before keep null there,
/// which is what those columns mean for them (no cost was known). A missing column that must not be null cannot be
/// added this way and stops the start with a message naming it: that change needs a written migration.
/// Step 2 of the metering schema: the cost columns (<c>cache_write_tokens</c>, <c>cost</c>, <c>cost_currency</c>,
/// <c>price_table_version</c>, <c>cost_estimated</c>) and <c>team_id</c>; step 3: <c>organization_id</c>.
/// </summary>
internal static class SchemaColumns
{
    /// <returns>The columns added, empty when the table was current.</returns>
    public static async Task<IReadOnlyList<string>> AddMissingAsync(MeteringDbContext db, CancellationToken cancellationToken)
    {
        var table = StoreObjectIdentifier.Table(UsageEventMap.Table);
        var existing = await ExistingAsync(db, cancellationToken);
        var sql = db.GetService<ISqlGenerationHelper>();
        var postgres = db.Database.IsNpgsql();
        var added = new List<string>();
        foreach (var property in db.Model.FindEntityType(typeof(UsageEvent))!.GetProperties())
        {
            var column = property.GetColumnName(table)!;
            if (existing.Contains(column))
            {
                continue;
            }

            if (!property.IsColumnNullable(table))
            {
                throw new InvalidOperationException($"{UsageEventMap.Table} lacks the required column {column}; only a written migration can add it.");
            }

            // Constant text from the model (names and store types), never from a message.
            var statement = "ALTER TABLE " + sql.DelimitIdentifier(UsageEventMap.Table)
                + (postgres ? " ADD COLUMN IF NOT EXISTS " : " ADD COLUMN ")
                + sql.DelimitIdentifier(column) + " " + property.GetRelationalTypeMapping().StoreType + " NULL";
            await db.Database.ExecuteSqlRawAsync(statement, cancellationToken);
            added.Add(column);
        }

        return added;
    }

    private static async Task<HashSet<string>> ExistingAsync(MeteringDbContext db, CancellationToken cancellationToken)
    {
        var query = db.Database.IsNpgsql()
            ? $"SELECT column_name::text AS \"Value\" FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{UsageEventMap.Table}'"
            : $"SELECT name AS \"Value\" FROM pragma_table_info('{UsageEventMap.Table}')";
        var names = await db.Database.SqlQueryRaw<string>(query).ToListAsync(cancellationToken);
        return new HashSet<string>(names, StringComparer.Ordinal);
    }
}
