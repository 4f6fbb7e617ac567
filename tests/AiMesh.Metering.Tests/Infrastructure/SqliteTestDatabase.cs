using Microsoft.Data.Sqlite;

namespace AiMesh.Metering.Tests.Infrastructure;

/// <summary>A temporary SQLite file per test class run, deleted after.</summary>
public sealed class SqliteTestDatabase : ITestDatabase, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aimesh-metering-").FullName;

    public string Provider => "Sqlite";

    // In a sub-folder that does not exist yet: the schema initializer must create it.
    public string ConnectionString => $"Data Source={Path.Combine(_folder, "db", "metering.db")}";

    public Task<ISwitchableDatabase> CreateSwitchableAsync(bool up) =>
        Task.FromResult<ISwitchableDatabase>(new SwitchableSqlite(Path.Combine(_folder, $"switchable-{Guid.NewGuid():N}"), up));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>
    /// Down: the file's folder is a plain file, so SQLite cannot open the database and the folder cannot be
    /// created. Up: the blocking file is gone. Pooling is off so that a connection opened before the outage cannot
    /// keep using a deleted file.
    /// </summary>
    private sealed class SwitchableSqlite : ISwitchableDatabase
    {
        private readonly string _folder;

        public SwitchableSqlite(string folder, bool up)
        {
            _folder = folder;
            if (!up)
            {
                Block();
            }
        }

        public string ConnectionString => $"Data Source={Path.Combine(_folder, "metering.db")};Pooling=False";

        /// <summary>Down as a disk that went away: the database is set aside (not deleted) and comes back with its rows.</summary>
        public Task GoDownAsync()
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(_folder))
            {
                Directory.Move(_folder, _folder + ".away");
            }

            Block();
            return Task.CompletedTask;
        }

        public Task ComeUpAsync()
        {
            File.Delete(_folder);
            if (Directory.Exists(_folder + ".away"))
            {
                Directory.Move(_folder + ".away", _folder);
            }

            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private void Block() => File.WriteAllText(_folder, "not a folder");
    }
}
