using AiMesh.MockProvider;

namespace AiMesh.EndToEnd.Tests.Secrets;

/// <summary>The embedded mesh (one process, in-memory bus) with the policy store in an SQLite file of its own.</summary>
public sealed class EmbeddedSecretMesh(MockProviderHandle mock) : SecretMesh(mock)
{
    private readonly string directory = Directory.CreateTempSubdirectory("aimesh-e2e-secrets-").FullName;

    public override string StoreProvider => "Sqlite";

    public override string StoreConnectionString => $"Data Source={Path.Combine(directory, "policy.db")}";

    public override Task<string> DumpStoreAsync()
    {
        // The database file and everything SQLite keeps beside it (-wal, -journal, -shm), byte for byte.
        var text = new System.Text.StringBuilder();
        foreach (var path in Directory.GetFiles(directory, "policy.db*"))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            text.Append(Latin1(copy.ToArray())).Append('\n');
        }

        return Task.FromResult(text.ToString());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    protected override async Task<Uri> StartHostsAsync(List<string> args)
    {
        args.AddRange(
        [
            "--Bus:Transport=InMemory",
            "--Mesh:Embedded=true",
            "--Metering:Database:Provider=Sqlite",
            $"--Metering:Database:ConnectionString=Data Source={Path.Combine(directory, "metering.db")}",
            "--Policy:Database:Provider=Sqlite",
            $"--Policy:Database:ConnectionString={StoreConnectionString}",
        ]);
        return AddressOf(await StartHostAsync(AiMesh.Ingress.Program.BuildApp([.. args])));
    }
}
