namespace AiMesh.Prompts.Store;

/// <summary>The database providers the prompt registry can be stored on, by their configuration names (as metering's).</summary>
internal static class DatabaseProviders
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    public static bool IsKnown(string? name) => IsSqlite(name) || IsPostgres(name);

    public static bool IsSqlite(string? name) => string.Equals(name, Sqlite, StringComparison.OrdinalIgnoreCase);

    public static bool IsPostgres(string? name) => string.Equals(name, Postgres, StringComparison.OrdinalIgnoreCase);
}
