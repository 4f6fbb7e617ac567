using System.Diagnostics;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Store;
using AiMesh.Policy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AiMesh.Policy.Tests.Store;

public sealed class StoreUnavailableAtStartTests
{
    private const string ConfiguredSecret = "sk-configured-0b1c2d3e";

    [Fact]
    public async Task Policy_starts_without_its_store_serves_configured_keys_reports_not_ready_and_recovers_when_the_store_appears()
    {
        // The database's folder is a plain file: SQLite cannot create the database until it is removed.
        var root = Directory.CreateTempSubdirectory("aimesh-policy-blocked-").FullName;
        var blocked = Path.Combine(root, "store");
        await File.WriteAllTextAsync(blocked, "not a folder");
        try
        {
            await using var policy = await PolicyHost.StartAsync(new Dictionary<string, string?>
            {
                ["Policy:Database:ConnectionString"] = $"Data Source={Path.Combine(blocked, "policy.db")}",
                ["Policy:Keys:0:Id"] = "configured",
                ["Policy:Keys:0:Principal"] = "bootstrap",
                ["Policy:Keys:0:Sha256"] = KeyRing.HashOf(ConfiguredSecret),
                ["Policy:Keys:0:Models:0"] = "*",
            });
            var health = policy.Services.GetRequiredService<HealthCheckService>();

            Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync(c => c.Name == PolicyStoreHealthCheck.Name)).Status);
            Assert.NotNull((await policy.AskAsync(ConfiguredSecret)).Authorized);
            var (_, unknown) = await policy.AskAsync("sk-aimesh-not-known-yet");
            Assert.Equal((503, "policy_unavailable", 1), (unknown!.Status, unknown.Code, unknown.RetryAfterSeconds));

            File.Delete(blocked);

            // The background retry (1 s, then doubling) migrates, then the keys load.
            var clock = Stopwatch.StartNew();
            while ((await health.CheckHealthAsync(c => c.Name == PolicyStoreHealthCheck.Name)).Status != HealthStatus.Healthy)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the store never became ready");
                await Task.Delay(50);
            }

            await policy.AssertInvalidKeyAsync("sk-aimesh-not-known-yet");
            Assert.Contains(policy.Logs.Lines, l => l.EventId == 2011);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }
}
