using Npgsql;

namespace AiMesh.Prompts.Tests.Support;

/// <summary>
/// A uniquely named PostgreSQL database per test class run on the server of <c>AIMESH_TEST_POSTGRES</c>, dropped
/// after. The schema initializer creates it. An unreachable server fails the tests: it is never a reason to skip.
/// </summary>
public sealed class PostgresTestDatabase : ITestDatabase, IAsyncLifetime
{
    private const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=aimesh;Password=aimesh;Database=aimesh";

    private readonly string _name = $"aimesh_prompts_test_{Guid.NewGuid():N}";

    public string Provider => "Postgres";

    public string ConnectionString => new NpgsqlConnectionStringBuilder(Server) { Database = _name }.ConnectionString;

    private static string Server =>
        Environment.GetEnvironmentVariable("AIMESH_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultConnectionString;

    public async Task InitializeAsync()
    {
        // Fail here, with the server's own error, when PostgreSQL is not running.
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
