using Microsoft.Data.Sqlite;

namespace AiMesh.Prompts.Tests.Support;

/// <summary>A temporary SQLite file per test class run, deleted after.</summary>
public sealed class SqliteTestDatabase : ITestDatabase, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aimesh-prompts-").FullName;

    public string Provider => "Sqlite";

    // In a sub-folder that does not exist yet: the schema initializer must create it.
    public string ConnectionString => $"Data Source={Path.Combine(_folder, "db", "prompts.db")}";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
