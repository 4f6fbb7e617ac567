using AiMesh.Hosting.Secrets;
using AiMesh.Policy.Secrets;
using AiMesh.Policy.Store;
using AiMesh.Policy.Store.Migrations;
using AiMesh.Policy.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Tests.Secrets;

/// <summary>
/// <c>secrets rotate</c> on each store, as an operator runs it: from key A to key B with A as previous, then with A
/// gone everything still opens; a row under a key nobody has is named by id (never its value) and exits 2.
/// </summary>
public abstract class RotationSpecs(ITestStore store)
{
    private static readonly string KeyA = MasterKeyRingTests.NewKey();
    private static readonly string KeyB = MasterKeyRingTests.NewKey();

    [Fact]
    public async Task Rotating_from_key_a_to_b_reencrypts_every_row_once_and_then_b_alone_opens_them()
    {
        var connectionString = await store.NewDatabaseAsync();
        var ids = new List<Guid>();
        await using (var host = await AdminHost.StartAsync(Settings(connectionString, KeyA)))
        {
            using var admin = host.Client();
            ids.Add((await admin.PostOkAsync("/admin/credentials", new { name = "one", value = "sk-first-secret-value-0001" })).Id());
            ids.Add((await admin.PostOkAsync("/admin/credentials", new { name = "two", value = "sk-second-secret-value-0002" })).Id());
        }

        var (exit, output, errors) = await RotateAsync(connectionString, KeyB, KeyA);
        var (again, againOutput, _) = await RotateAsync(connectionString, KeyB, KeyA);
        var rows = await RowsAsync(connectionString);
        var onlyB = MasterKeyRing.FromKeys(KeyB);

        Assert.True(exit == 0, errors);
        Assert.Contains($"2 re-encrypted under {onlyB.CurrentKeyId}, 0 already under it, 0 unreadable", output, StringComparison.Ordinal);
        Assert.Equal(0, again);
        Assert.Contains("0 re-encrypted", againOutput, StringComparison.Ordinal);
        Assert.Contains("2 already under it", againOutput, StringComparison.Ordinal);
        Assert.All(rows, r => Assert.Equal((onlyB.CurrentKeyId, 2L), (r.KeyId, r.Version)));
        Assert.Equal(
            ["sk-first-secret-value-0001", "sk-second-secret-value-0002"],
            rows.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => Open(onlyB, r)));
        Assert.DoesNotContain("sk-first-secret", output + errors, StringComparison.Ordinal);

        // The service started with key B alone serves them, and the audit trail recorded each re-encryption.
        await using var after = await AdminHost.StartAsync(Settings(connectionString, KeyB));
        using var client = after.Client();
        var trail = (await client.GetOkAsync("/admin/audit?limit=200"))["items"]!.ToJsonString();
        Assert.Equal(2, CountOf(trail, "credential.reencrypt"));
        Assert.Equal(2, (await client.GetOkAsync("/admin/credentials"))["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_row_under_a_key_no_one_configured_is_reported_by_id_and_the_command_exits_2()
    {
        var connectionString = await store.NewDatabaseAsync();
        await using (var host = await AdminHost.StartAsync(Settings(connectionString, KeyA)))
        {
            using var admin = host.Client();
            await admin.PostOkAsync("/admin/credentials", new { name = "readable", value = "sk-readable-secret-value-01" });
        }

        // A row sealed under a key the operator lost.
        var lost = MasterKeyRing.FromKeys(MasterKeyRingTests.NewKey());
        var orphanId = Guid.NewGuid();
        var sealedValue = lost.Seal("sk-orphaned-secret-value-02", CredentialSealing.AssociatedData(orphanId));
        await using (var db = Context(connectionString))
        {
            var now = DateTimeOffset.UtcNow;
            db.ProviderCredentials.Add(new ProviderCredential
            {
                Id = orphanId,
                Name = "orphan",
                KeyId = sealedValue.KeyId,
                Ciphertext = sealedValue.Ciphertext,
                Hint = "e-02",
                Version = 1,
                CreatedAt = now,
                CreatedBy = "test",
                UpdatedAt = now,
                UpdatedBy = "test",
            });
            await db.SaveChangesAsync();
        }

        var (exit, output, errors) = await RotateAsync(connectionString, KeyB, KeyA);
        var rows = await RowsAsync(connectionString);

        Assert.Equal(2, exit);
        Assert.Contains($"credential {orphanId} is sealed under master key {lost.CurrentKeyId}", errors, StringComparison.Ordinal);
        Assert.Contains("1 re-encrypted", output, StringComparison.Ordinal);
        Assert.Contains("1 unreadable", output, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-orphaned", output + errors, StringComparison.Ordinal);
        Assert.Equal(MasterKeyRing.FromKeys(KeyB).CurrentKeyId, rows.Single(r => r.Name == "readable").KeyId);
        Assert.Equal(lost.CurrentKeyId, rows.Single(r => r.Name == "orphan").KeyId);
    }

    [Fact]
    public async Task Without_a_master_key_the_command_exits_1_and_says_what_to_set()
    {
        var connectionString = await store.NewDatabaseAsync();
        await SchemaMigrator.MigrateAsync(new PolicyDatabaseOptions { Provider = store.Provider, ConnectionString = connectionString }, TimeProvider.System, CancellationToken.None);

        var (exit, _, errors) = await RotateAsync(connectionString, null);

        Assert.Equal(1, exit);
        Assert.Contains("AIMESH_MASTER_KEY", errors, StringComparison.Ordinal);
    }

    private static string Open(MasterKeyRing ring, ProviderCredential row) =>
        ring.TryOpen(new SealedSecret(row.KeyId, row.Ciphertext), CredentialSealing.AssociatedData(row.Id), out var value) ? value : "(does not open)";

    private static int CountOf(string text, string value) => (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;

    private Dictionary<string, string?> Settings(string connectionString, string key) => new()
    {
        ["Policy:Database:Provider"] = store.Provider,
        ["Policy:Database:ConnectionString"] = connectionString,
        ["AIMESH_MASTER_KEY"] = key,
    };

    private async Task<(int Exit, string Output, string Errors)> RotateAsync(string connectionString, string? current, params string[] previous)
    {
        List<string> args = [$"--Policy:Database:Provider={store.Provider}", $"--Policy:Database:ConnectionString={connectionString}"];
        if (current is not null)
        {
            args.Add($"--AIMESH_MASTER_KEY={current}");
        }

        if (previous.Length > 0)
        {
            args.Add($"--AIMESH_PREVIOUS_MASTER_KEYS={string.Join(',', previous)}");
        }

        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await SecretsRotateCommand.RunAsync([.. args], output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    private async Task<List<ProviderCredential>> RowsAsync(string connectionString)
    {
        await using var db = Context(connectionString);
        return await db.ProviderCredentials.ToListAsync();
    }

    private PolicyDbContext Context(string connectionString)
    {
        var options = new DbContextOptionsBuilder<PolicyDbContext>();
        PolicyDatabase.Configure(options, new PolicyDatabaseOptions { Provider = store.Provider, ConnectionString = connectionString });
        return new PolicyDbContext(options.Options);
    }
}

public sealed class SqliteRotationSpecs(SqliteTestStore store) : RotationSpecs(store), IClassFixture<SqliteTestStore>;

public sealed class PostgresRotationSpecs(PostgresTestStore store) : RotationSpecs(store), IClassFixture<PostgresTestStore>;
