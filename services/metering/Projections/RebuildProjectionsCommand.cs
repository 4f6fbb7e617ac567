using AiMesh.Metering.Configuration;
using AiMesh.Metering.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AiMesh.Metering.Projections;

/// <summary>
/// <c>dotnet AiMesh.Metering.dll rebuild-projections</c> (<c>./aimesh metering rebuild-projections</c>): recomputes
/// <c>usage_rollups</c> from <c>usage_events</c> (<see cref="ProjectionRebuild"/>) with the service's own configuration
/// (appsettings, environment, command line), and exits 0 when done, 1 when the configuration is invalid, the log does
/// not exist yet, or the database fails. Safe beside running metering replicas (it takes the write lock).
/// </summary>
internal static class RebuildProjectionsCommand
{
    public const string Name = "rebuild-projections";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddOptions<MeteringOptions>().Bind(builder.Configuration.GetSection(MeteringOptions.Section)).ValidateDataAnnotations();
        builder.Services.AddSingleton<IValidateOptions<MeteringOptions>, MeteringOptionsValidator>();
        using var host = builder.Build();
        MeteringDatabaseOptions database;
        try
        {
            database = host.Services.GetRequiredService<IOptions<MeteringOptions>>().Value.Database;
        }
        catch (OptionsValidationException invalid)
        {
            await Console.Error.WriteLineAsync($"aimesh-metering {Name}: {invalid.Message}");
            return 1;
        }

        var options = new DbContextOptionsBuilder<MeteringDbContext>();
        MeteringDatabase.Configure(options, database);
        await using var db = new MeteringDbContext(options.Options);
        try
        {
            if (!await MeteringDatabase.TableExistsAsync(db, CancellationToken.None))
            {
                await Console.Error.WriteLineAsync($"aimesh-metering {Name}: there is no {UsageEventMap.Table} table in the configured database; nothing to rebuild from.");
                return 1;
            }

            await UsageRollupTable.EnsureAsync(db, CancellationToken.None);
            var (events, rows) = await ProjectionRebuild.RunAsync(db, CancellationToken.None);
            await Console.Out.WriteLineAsync($"aimesh-metering {Name}: {rows} rollup rows rebuilt from {events} usage events.");
            return 0;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The exception's type and message only: a connection string (and its password) is never printed.
            await Console.Error.WriteLineAsync($"aimesh-metering {Name}: failed: {exception.GetType().Name}: {exception.Message}");
            return 1;
        }
    }
}
