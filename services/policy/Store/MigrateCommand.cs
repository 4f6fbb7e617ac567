using AiMesh.Policy.Keys;
using AiMesh.Policy.Store.Migrations;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Store;

/// <summary>
/// <c>dotnet AiMesh.Policy.dll migrate</c>: applies the pending schema migrations with the service's own
/// configuration (appsettings, environment, command line) and exits 0 once the schema is current, 1 when the
/// configuration is invalid or the database cannot be migrated. Safe beside running replicas (same lock).
/// </summary>
internal static class MigrateCommand
{
    public const string Name = "migrate";

    public static async Task<int> RunAsync(string[] args)
    {
        using var host = PolicyCommandHost.CreateBuilder(args).Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MigrateCommand).FullName!);
        PolicyDatabaseOptions database;
        try
        {
            database = host.Services.GetRequiredService<IOptions<PolicyOptions>>().Value.Database;
        }
        catch (OptionsValidationException invalid)
        {
            await Console.Error.WriteLineAsync($"aimesh-policy migrate: {invalid.Message}");
            return 1;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            var applied = await SchemaMigrator.MigrateAsync(database, TimeProvider.System, timeout.Token);
            PolicyLog.SchemaReady(logger, database.Provider, SchemaMigrations.Latest, applied.Count);
            await Console.Out.WriteLineAsync(
                $"aimesh-policy migrate: schema at version {SchemaMigrations.Latest} ({applied.Count} applied now).");
            return 0;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The exception's type and message only: a connection string (and its password) is never printed.
            await Console.Error.WriteLineAsync($"aimesh-policy migrate: failed: {exception.GetType().Name}: {exception.Message}");
            return 1;
        }
    }
}
