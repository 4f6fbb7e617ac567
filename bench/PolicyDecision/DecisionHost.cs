using System.Diagnostics;
using AiMesh.Contracts;
using AiMesh.Contracts.Policy;
using AiMesh.Policy;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Bench.PolicyDecision;

/// <summary>
/// The policy module on MassTransit's in-memory bus over a throw-away SQLite store, as the embedded mesh hosts it,
/// seeded with enabled keys straight into the store and then loaded the way a replica loads them at start.
/// </summary>
internal sealed class DecisionHost : IAsyncDisposable
{
    private readonly IHost host;
    private readonly string folder;
    private readonly List<string> hashes = [];
    private readonly Guid organization = Guid.NewGuid();
    private readonly Guid team = Guid.NewGuid();

    private DecisionHost(IHost host, string folder)
    {
        this.host = host;
        this.folder = folder;
    }

    public static async Task<DecisionHost> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("aimesh-policy-bench-").FullName;
        var builder = Host.CreateApplicationBuilder(["--hostBuilder:reloadConfigOnChange=false"]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration["Policy:Database:Provider"] = "Sqlite";
        builder.Configuration["Policy:Database:ConnectionString"] = $"Data Source={Path.Combine(folder, "policy.db")}";
        var module = new PolicyModule();
        module.ConfigureServices(builder);
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            module.ConfigureBus(bus);
            bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
        });
        var host = builder.Build();
        await host.StartAsync();
        var decisions = new DecisionHost(host, folder);
        await decisions.CreateOwnerAsync();
        return decisions;
    }

    /// <summary>Adds <paramref name="count"/> enabled keys owned by one team, then reloads every key as a replica does.</summary>
    public async Task SeedAsync(int count)
    {
        var databases = host.Services.GetRequiredService<IDbContextFactory<PolicyDbContext>>();
        var now = DateTimeOffset.UtcNow;
        for (var done = 0; done < count;)
        {
            await using var db = await databases.CreateDbContextAsync();
            var chunk = Math.Min(5_000, count - done);
            for (var i = 0; i < chunk; i++)
            {
                var hash = KeyRing.HashOf($"sk-aimesh-bench-{hashes.Count}");
                hashes.Add(hash);
                db.VirtualKeys.Add(new VirtualKey
                {
                    Id = NewId.NextGuid(),
                    KeyHash = hash,
                    DisplayPrefix = "sk-aimesh-be",
                    OrganizationId = organization,
                    OwnerTeamId = team,
                    Models = ["*"],
                    Status = KeyStatus.Enabled,
                    CreatedAt = now,
                    CreatedBy = "bench",
                    UpdatedAt = now,
                });
            }

            await db.SaveChangesAsync();
            done += chunk;
        }

        var loading = Stopwatch.GetTimestamp();
        await host.Services.GetRequiredService<StoredKeys>().ReloadAllAsync(CancellationToken.None);
        Console.WriteLine(FormattableString.Invariant($"loaded {hashes.Count:N0} stored keys in {Stopwatch.GetElapsedTime(loading).TotalSeconds:F2} s"));
    }

    /// <summary>Asks policy <paramref name="asks"/> times, one at a time, for keys picked at random from the store.</summary>
    public async Task<Measurement> MeasureAsync(int asks)
    {
        var client = host.Services.GetRequiredService<IBus>().CreateRequestClient<AuthorizeRequest>(Endpoints.PolicyAddress);
        var random = new Random(7);
        var times = new double[asks];
        for (var i = 0; i < asks; i++)
        {
            var request = new AuthorizeRequest(Guid.NewGuid(), hashes[random.Next(hashes.Count)], "chat.completions", "gpt-4o-mini", "10.0.0.1");
            var started = Stopwatch.GetTimestamp();
            var response = await client.GetResponse<RequestAuthorized, RequestDenied>(request);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            if (!response.Is(out Response<RequestAuthorized>? _))
            {
                throw new InvalidOperationException("A stored key was not admitted.");
            }
        }

        Array.Sort(times);
        return new Measurement(hashes.Count, asks, times[asks / 2], times[asks * 99 / 100], LookupNanoseconds());
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private double LookupNanoseconds()
    {
        var stored = host.Services.GetRequiredService<StoredKeys>();
        const int Lookups = 1_000_000;
        var found = 0;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < Lookups; i++)
        {
            found += stored.Find(hashes[(int)((long)i * 7919 % hashes.Count)]) is null ? 0 : 1;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        return found == Lookups ? elapsed.TotalNanoseconds / Lookups : throw new InvalidOperationException("A stored key was not found.");
    }

    private async Task CreateOwnerAsync()
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<PolicyDbContext>>().CreateDbContextAsync();
        db.Organizations.Add(new Organization { Id = organization, Name = "bench", CreatedAt = DateTimeOffset.UtcNow });
        db.Teams.Add(new Team { Id = team, OrganizationId = organization, Name = "bench", CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }
}
