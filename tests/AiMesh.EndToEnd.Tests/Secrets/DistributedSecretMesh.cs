using System.Text;
using AiMesh.EndToEnd.Tests.Infrastructure;
using AiMesh.Hosting;
using AiMesh.MockProvider;
using AiMesh.Policy;
using AiMesh.Router;
using Npgsql;

namespace AiMesh.EndToEnd.Tests.Secrets;

/// <summary>
/// The distributed mesh for the planted-secret test: RabbitMQ (a virtual host of its own), the policy store in a
/// PostgreSQL database of its own, and policy, router and ingress each in a host of its own.
/// </summary>
public sealed class DistributedSecretMesh : SecretMesh
{
    private readonly string name = "aimesh_secrets_" + Guid.NewGuid().ToString("N")[..12];
    private bool created;

    public DistributedSecretMesh(MockProviderHandle mock)
        : base(mock)
    {
    }

    public override string StoreProvider => "Postgres";

    public override string StoreConnectionString => new NpgsqlConnectionStringBuilder(TestEnvironment.Postgres) { Database = name }.ConnectionString;

    public override async Task<string> DumpStoreAsync()
    {
        var text = new StringBuilder();
        await using var connection = new NpgsqlConnection(StoreConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Contains("provider_credentials", tables);
        foreach (var table in tables)
        {
            await using var rows = new NpgsqlCommand($"SELECT row_to_json(t)::text FROM \"{table}\" t", connection);
            await using var reader = await rows.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.AppendLine(reader.GetString(0));
            }
        }

        return text.ToString();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (created)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecutePostgresAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            await DistributedMesh.RabbitCtlAsync("delete_vhost", name);
        }
    }

    protected override async Task<Uri> StartHostsAsync(List<string> args)
    {
        if (!created)
        {
            created = true;
            await DistributedMesh.RabbitCtlAsync("add_vhost", name);
            await DistributedMesh.RabbitCtlAsync("set_permissions", "-p", name, TestEnvironment.RabbitMq.UserInfo.Split(':')[0], ".*", ".*", ".*");
            await ExecutePostgresAsync($"CREATE DATABASE {name}");
        }

        var rabbit = TestEnvironment.RabbitMq;
        var credentials = rabbit.UserInfo.Split(':');
        args.AddRange(
        [
            "--Bus:Transport=RabbitMq",
            $"--Bus:RabbitMq:Host={rabbit.Host}",
            $"--Bus:RabbitMq:Port={rabbit.Port}",
            $"--Bus:RabbitMq:VirtualHost={name}",
            $"--Bus:RabbitMq:Username={credentials[0]}",
            $"--Bus:RabbitMq:Password={credentials[1]}",
            "--Policy:Database:Provider=Postgres",
            $"--Policy:Database:ConnectionString={StoreConnectionString}",
            "--Policy:Admin:TrustedProxies:0=127.0.0.1",
        ]);
        string[] With(string service) => [.. args, $"--Mesh:Service={service}"];
        var policy = await StartHostAsync(MeshHost.Build(With("policy"), "aimesh-policy", _ => [new PolicyModule()]));
        await StartHostAsync(MeshHost.Build(With("router"), "aimesh-router", _ => [new RouterModule()]));
        var ingress = await StartHostAsync(AiMesh.Ingress.Program.BuildApp([.. args, "--Mesh:Embedded=false", $"--Ingress:AdminUpstream={AddressOf(policy)}"]));
        return AddressOf(ingress);
    }

    private static async Task ExecutePostgresAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
