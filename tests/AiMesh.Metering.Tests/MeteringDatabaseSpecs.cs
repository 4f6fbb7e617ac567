using AiMesh.Metering.Configuration;
using AiMesh.Metering.Storage;

namespace AiMesh.Metering.Tests;

public sealed class MeteringDatabaseSpecs
{
    [Fact]
    public void The_folder_of_an_SQLite_file_is_created()
    {
        var root = Directory.CreateTempSubdirectory("aimesh-metering-folder-").FullName;
        try
        {
            var file = Path.Combine(root, "a", "b", "usage.db");

            MeteringDatabase.PrepareStorage(new MeteringDatabaseOptions { Provider = "Sqlite", ConnectionString = $"Data Source={file}" });

            Assert.True(Directory.Exists(Path.Combine(root, "a", "b")));
            Assert.False(File.Exists(file));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("Sqlite", "Data Source=:memory:")]
    [InlineData("Postgres", "Host=db.invalid;Database=aimesh")]
    public void Nothing_is_created_for_memory_or_a_server(string provider, string connectionString)
    {
        var current = Directory.GetFileSystemEntries(Directory.GetCurrentDirectory()).Length;

        MeteringDatabase.PrepareStorage(new MeteringDatabaseOptions { Provider = provider, ConnectionString = connectionString });

        Assert.Equal(current, Directory.GetFileSystemEntries(Directory.GetCurrentDirectory()).Length);
    }
}
