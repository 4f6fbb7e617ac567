using System.Text;
using Npgsql;

namespace AiMesh.Policy.Tests.Support;

/// <summary>
/// A schema per test on the server of <c>AIMESH_TEST_POSTGRES</c> (the connection's search path points at it),
/// dropped after the class run. An unreachable server fails the tests: it is never a reason to skip.
/// </summary>
public sealed class PostgresTestStore : ITestStore, IAsyncLifetime
{
    private const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=aimesh;Password=aimesh;Database=aimesh";

    private readonly List<string> _schemas = [];

    public string Provider => "Postgres";

    public static string Server =>
        Environment.GetEnvironmentVariable("AIMESH_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultConnectionString;

    public async Task<string> NewDatabaseAsync()
    {
        var schema = $"policy_test_{Guid.NewGuid():N}";
        await ExecuteAsync(Server, $"CREATE SCHEMA \"{schema}\"");
        lock (_schemas)
        {
            _schemas.Add(schema);
        }

        return new NpgsqlConnectionStringBuilder(Server) { SearchPath = schema }.ConnectionString;
    }

    public async Task<string> DumpAsync(string connectionString)
    {
        var text = new StringBuilder();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'", connection))
        await using (var names = await list.ExecuteReaderAsync())
        {
            while (await names.ReadAsync())
            {
                tables.Add(names.GetString(0));
            }
        }

        // Every row of every table of the schema, so a table added later is searched too.
        Assert.Contains("audit_events", tables);
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"SELECT row_to_json(t)::text FROM \"{table}\" t", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.AppendLine(reader.GetString(0));
            }
        }

        return text.ToString();
    }

    public async Task InitializeAsync() => await ExecuteAsync(Server, "SELECT 1");

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var schema in _schemas)
        {
            await ExecuteAsync(Server, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
