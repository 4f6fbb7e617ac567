using System.Text;
using Microsoft.Data.Sqlite;

namespace AiMesh.Policy.Tests.Support;

/// <summary>SQLite files in a temporary folder per test class run, deleted after.</summary>
public sealed class SqliteTestStore : ITestStore, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aimesh-policy-").FullName;

    public string Provider => "Sqlite";

    // In a sub-folder that does not exist yet: the migrator must create it.
    public Task<string> NewDatabaseAsync() =>
        Task.FromResult($"Data Source={Path.Combine(_folder, Guid.NewGuid().ToString("N"), "policy.db")}");

    /// <summary>The raw bytes of the database file and its WAL and journal, as Latin-1 text: what a thief with the disk would see.</summary>
    public Task<string> DumpAsync(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var text = new StringBuilder();
        foreach (var path in new[] { file, file + "-wal", file + "-journal", file + "-shm" }.Where(File.Exists))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            text.Append(Encoding.Latin1.GetString(copy.ToArray()));
        }

        return Task.FromResult(text.ToString());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
