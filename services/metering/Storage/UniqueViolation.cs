using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AiMesh.Metering.Storage;

/// <summary>Recognises the database refusing a second row for the same request id, on either provider.</summary>
internal static class UniqueViolation
{
    // SQLITE_CONSTRAINT (19) also covers NOT NULL and CHECK failures; the extended codes name the unique ones.
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;

    public static bool Is(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 &&
            sqlite.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
