using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AiMesh.Policy.Store;

/// <summary>Recognises the database refusing a second row with the same unique value (a name, an email, a key hash), on either provider.</summary>
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
