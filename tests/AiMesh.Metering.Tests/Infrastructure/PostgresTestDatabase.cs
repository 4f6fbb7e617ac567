using System.Net;
using Npgsql;

namespace AiMesh.Metering.Tests.Infrastructure;

/// <summary>
/// A uniquely named PostgreSQL database per test class run on the server of <c>AIMESH_TEST_POSTGRES</c>, dropped
/// after. Metering's schema initializer creates it (the test role has CREATEDB). An unreachable server fails the
/// tests: it is never a reason to skip.
/// </summary>
public sealed class PostgresTestDatabase : ITestDatabase, IAsyncLifetime
{
    private const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=aimesh;Password=aimesh;Database=aimesh";

    private readonly string _name = $"aimesh_metering_test_{Guid.NewGuid():N}";
    private readonly List<string> _databases = [];

    public string Provider => "Postgres";

    public string ConnectionString => Named(_name).ConnectionString;

    private static string Server =>
        Environment.GetEnvironmentVariable("AIMESH_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultConnectionString;

    public async Task InitializeAsync()
    {
        // Fail here, with the server's own error, when PostgreSQL is not running.
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync();
        _databases.Add(_name);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync();
        foreach (var database in _databases)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    public async Task<ISwitchableDatabase> CreateSwitchableAsync(bool up)
    {
        var name = $"aimesh_metering_test_{Guid.NewGuid():N}";
        _databases.Add(name);
        var server = new NpgsqlConnectionStringBuilder(Server);
        var addresses = await Dns.GetHostAddressesAsync(server.Host ?? "127.0.0.1");
        var forwarder = new TcpForwarder(new IPEndPoint(addresses[0], server.Port));
        var connectionString = new NpgsqlConnectionStringBuilder(Named(name).ConnectionString)
        {
            Host = IPAddress.Loopback.ToString(),
            Port = forwarder.Port,
            Timeout = 5,
        }.ConnectionString;
        var database = new SwitchablePostgres(forwarder, connectionString);
        if (up)
        {
            await database.ComeUpAsync();
        }

        return database;
    }

    private static NpgsqlConnectionStringBuilder Named(string database) => new(Server) { Database = database };

    /// <summary>Reached through a local port that refuses connections while down, as a server that stopped would.</summary>
    private sealed class SwitchablePostgres(TcpForwarder forwarder, string connectionString) : ISwitchableDatabase
    {
        public string ConnectionString => connectionString;

        public Task GoDownAsync()
        {
            forwarder.Stop();
            NpgsqlConnection.ClearAllPools();
            return Task.CompletedTask;
        }

        public Task ComeUpAsync()
        {
            forwarder.Start();
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            return forwarder.DisposeAsync();
        }
    }
}
