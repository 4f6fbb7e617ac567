using System.Net;
using System.Net.Http.Json;
using AiMesh.Policy.Audit;
using AiMesh.Policy.Store;
using AiMesh.Policy.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Policy.Tests.Admin;

/// <summary>The audit trail on each provider: written with every change, append-only in the database, hash-chained, and verified.</summary>
public abstract class AuditSpecs(ITestStore store)
{
    [Fact]
    public async Task Every_admin_change_appends_a_chained_entry_with_who_what_before_after_when_and_where()
    {
        var (host, connectionString) = await StartAsync();
        await using var _ = host;
        using var admin = host.Client();
        var org = await admin.PostOkAsync("/admin/organizations", new { name = "audited" });
        var user = await admin.PostOkAsync("/admin/users", new { organizationId = org.Id(), email = "ann@audited.example", role = "member" });
        var created = await admin.PostOkAsync("/admin/keys", new { owner = new { userId = user.Id() }, models = new[] { "gpt-4o" } });
        var keyId = created["key"]!.AsObject().Id();
        await AdminApi.OkAsync(await admin.PostAsync($"/admin/keys/{keyId}/revoke", null));
        await AdminApi.OkAsync(await admin.PutAsJsonAsync($"/admin/users/{user.Id()}/role", new { role = "viewer" }));

        var entries = (await admin.GetOkAsync("/admin/audit"))["items"]!.AsArray().Select(e => e!.AsObject()).ToList();

        Assert.Equal(
            ["admin.bootstrap", "organization.create", "user.create", "key.create", "key.revoke", "user.role_change"],
            entries.Select(e => e.Text("operation")));
        Assert.Equal([1L, 2, 3, 4, 5, 6], entries.Select(e => e["sequence"]!.GetValue<long>()));
        var bootstrapUser = entries[0].Text("objectId");
        Assert.All(entries.Skip(1), e => Assert.Equal($"user:{bootstrapUser}", e.Text("actor")));
        Assert.All(entries.Skip(1), e => Assert.Equal("127.0.0.1", e.Text("clientAddress")));
        Assert.All(entries.Skip(2), e => Assert.Equal(org.Id(), e.Id("organizationId")));
        var revoke = entries[4];
        Assert.Equal((keyId.ToString(), "key"), (revoke.Text("objectId"), revoke.Text("objectType")));
        Assert.Equal(("enabled", "revoked"), (revoke["before"]!.Text("status"), revoke["after"]!.Text("status")));
        Assert.Equal(("member", "viewer"), (entries[5]["before"]!.Text("role"), entries[5]["after"]!.Text("role")));
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.Equal(entries[i - 1].Text("hash"), entries[i].Text("previousHash"));
        }

        // A key's secret and its hash are nowhere in the trail, nor the bootstrap secret.
        var dump = await store.DumpAsync(connectionString);
        var trail = string.Join('\n', entries.Select(e => e.ToJsonString()));
        Assert.DoesNotContain(created.Text("secret"), dump, StringComparison.Ordinal);
        Assert.DoesNotContain(AiMesh.Policy.Keys.KeyRing.HashOf(created.Text("secret")), trail, StringComparison.Ordinal);
        Assert.DoesNotContain(AdminHost.BootstrapKey, dump, StringComparison.Ordinal);
        Assert.Empty((await VerifyAsync(host)).Findings);
    }

    [Fact]
    public async Task The_database_refuses_to_update_or_delete_an_entry()
    {
        var (host, _) = await StartAsync();
        await using var _ = host;

        await using var db = await Database(host);
        var update = await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync("UPDATE audit_events SET actor = 'someone else'"));
        var delete = await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_events"));

        Assert.Contains("append-only", update?.Message ?? "", StringComparison.Ordinal);
        Assert.Contains("append-only", delete?.Message ?? "", StringComparison.Ordinal);
        Assert.Equal(1, await db.AuditEvents.CountAsync());
    }

    [Fact]
    public async Task Verify_reports_an_edited_entry_by_its_number_and_the_command_exits_non_zero()
    {
        var (host, connectionString) = await StartAsync();
        await using var _ = host;
        await MakeChangesAsync(host, 4);
        Assert.Equal(0, await RunCommandAsync(connectionString));

        await TamperAsync(host, "UPDATE audit_events SET after_json = replace(after_json, 'gpt-4o', 'o1') WHERE sequence = 3");

        var (_, findings) = await VerifyAsync(host);
        Assert.Equal([(3L, true)], findings.Select(f => (f.Sequence, f.Problem.StartsWith("edited", StringComparison.Ordinal))));
        using var output = new StringWriter();
        Assert.Equal(1, await AuditVerifyCommand.RunAsync(Arguments(connectionString), output, output));
        Assert.Contains("entry #3: edited", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_reports_a_deleted_entry_by_its_number()
    {
        var (host, connectionString) = await StartAsync();
        await using var _ = host;
        await MakeChangesAsync(host, 4);

        await TamperAsync(host, "DELETE FROM audit_events WHERE sequence = 2");

        var (entries, findings) = await VerifyAsync(host);
        Assert.Equal(4, entries);
        Assert.Contains(findings, f => f.Sequence == 3 && f.Problem.Contains("#2–#2 are missing", StringComparison.Ordinal));
        Assert.Equal(1, await RunCommandAsync(connectionString));
    }

    [Fact]
    public async Task Verify_reports_an_inserted_entry_by_its_number()
    {
        var (host, _) = await StartAsync();
        await using var _ = host;
        await MakeChangesAsync(host, 2);

        // A forger who writes a well-formed row with its own hash, but cannot name the real predecessor's hash.
        var forged = new AuditEvent
        {
            Sequence = 4,
            OccurredAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
            Actor = "user:" + Guid.NewGuid(),
            Operation = "key.create",
            ObjectType = "key",
            ObjectId = Guid.NewGuid().ToString(),
            PreviousHash = new string('a', 64),
        };
        forged.Hash = AuditHash.Of(forged);
        await using (var db = await Database(host))
        {
            db.AuditEvents.Add(forged);
            await db.SaveChangesAsync();
        }

        var (_, findings) = await VerifyAsync(host);
        Assert.Equal([4L], findings.Select(f => f.Sequence));
        Assert.Contains("does not follow #3", findings[0].Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_cut_off_the_end_are_found_against_the_anchor_file_though_the_chain_still_links()
    {
        var anchorFile = Path.Combine(Path.GetTempPath(), $"aimesh-audit-anchors-{Guid.NewGuid():N}.log");
        try
        {
            var (host, connectionString) = await StartAsync(anchorFile);
            await using var _ = host;
            await MakeChangesAsync(host, 4);

            // Every committed change anchored its entry: the bootstrap's and the four keys'.
            var anchors = AuditAnchor.Read(anchorFile);
            Assert.Equal([1L, 2, 3, 4, 5], anchors.Select(a => a.Sequence).Order());
            await using (var db = await Database(host))
            {
                Assert.Equal(await db.AuditEvents.Where(e => e.Sequence == 5).Select(e => e.Hash).SingleAsync(), anchors.Single(a => a.Sequence == 5).Hash);
            }

            Assert.Equal(0, await RunCommandAsync(connectionString, anchorFile));
            Assert.Contains(host.Logs.Lines, l => l.EventId == 2044);

            await TamperAsync(host, "DELETE FROM audit_events WHERE sequence > 3");

            // The chain alone cannot tell: what is left links up.
            Assert.Empty((await VerifyAsync(host)).Findings);
            using var output = new StringWriter();
            Assert.Equal(1, await AuditVerifyCommand.RunAsync([.. Arguments(connectionString), $"--Policy:Audit:AnchorFile={anchorFile}"], output, output));
            Assert.Contains("entry #4: anchored outside the database but the trail ends at #3", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("entry #5: anchored", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(anchorFile);
        }
    }

    [Fact]
    public async Task A_chain_rewritten_whole_is_found_against_the_anchor_file_and_a_missing_anchor_file_is_a_finding()
    {
        var anchorFile = Path.Combine(Path.GetTempPath(), $"aimesh-audit-anchors-{Guid.NewGuid():N}.log");
        try
        {
            var (host, connectionString) = await StartAsync(anchorFile);
            await using var _ = host;
            await MakeChangesAsync(host, 3);

            // Someone who can write the table edits entry 2 and recomputes every hash from there: the chain links again.
            await using (var db = await Database(host))
            {
                var entries = await db.AuditEvents.OrderBy(e => e.Sequence).ToListAsync();
                entries[1].Actor = "user:" + Guid.NewGuid();
                for (var i = 1; i < entries.Count; i++)
                {
                    entries[i].PreviousHash = entries[i - 1].Hash;
                    entries[i].Hash = AuditHash.Of(entries[i]);
                }

                await TamperAsync(host, "DELETE FROM audit_events WHERE sequence > 1");
                db.AuditEvents.AddRange(entries.Skip(1).Select(Copy));
                await db.SaveChangesAsync();
            }

            Assert.Empty((await VerifyAsync(host)).Findings);
            using var output = new StringWriter();
            Assert.Equal(1, await AuditVerifyCommand.RunAsync([.. Arguments(connectionString), $"--Policy:Audit:AnchorFile={anchorFile}"], output, output));
            Assert.Contains("entry #2: differs from its anchor", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("entry #4: differs from its anchor", output.ToString(), StringComparison.Ordinal);

            File.Delete(anchorFile);
            using var missing = new StringWriter();
            Assert.Equal(1, await AuditVerifyCommand.RunAsync([.. Arguments(connectionString), $"--Policy:Audit:AnchorFile={anchorFile}"], missing, missing));
            Assert.Contains("anchor file", missing.ToString(), StringComparison.Ordinal);
            Assert.Contains("is missing", missing.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(anchorFile);
        }
    }

    [Fact]
    public async Task Concurrent_writers_never_fork_the_chain()
    {
        var (host, _) = await StartAsync();
        await using var _ = host;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => MakeChangesAsync(host, 6)));

        var (entries, findings) = await VerifyAsync(host);
        Assert.Empty(findings);
        Assert.Equal(1 + (4 * 6), entries);
    }

    [Fact]
    public async Task Concurrent_changes_of_one_key_record_each_before_as_the_previous_after()
    {
        var (host, _) = await StartAsync();
        await using var _ = host;
        using var admin = host.Client();
        var adminUser = (await admin.GetOkAsync("/admin/users?role=admin"))["items"]![0]!.AsObject().Id();
        var keyId = (await admin.PostOkAsync("/admin/keys", new { owner = new { userId = adminUser }, models = new[] { "gpt-4o" } }))["key"]!.AsObject().Id();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var client = host.Client();
            await AdminApi.OkAsync(await client.PatchAsJsonAsync($"/admin/keys/{keyId}", new { tags = new Dictionary<string, string> { ["writer"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } }));
        }));

        var updates = (await admin.GetOkAsync($"/admin/audit?operation=key.update&objectId={keyId}"))["items"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal(8, updates.Count);
        Assert.Null(updates[0]["before"]!["tags"]!["writer"]);
        for (var i = 1; i < updates.Count; i++)
        {
            Assert.Equal(updates[i - 1]["after"]!["tags"]!.ToJsonString(), updates[i]["before"]!["tags"]!.ToJsonString());
        }
    }

    [Fact]
    public async Task An_org_admin_reads_its_organizations_entries_only_and_a_team_admin_none()
    {
        var (host, _) = await StartAsync();
        await using var _ = host;
        using var admin = host.Client();
        var mine = await admin.PostOkAsync("/admin/organizations", new { name = "mine" });
        var theirs = await admin.PostOkAsync("/admin/organizations", new { name = "theirs" });
        await admin.PostOkAsync("/admin/teams", new { organizationId = theirs.Id(), name = "t" });
        var (_, orgAdminKey, _) = await admin.UserWithKeyAsync(mine.Id(), "org_admin", ["gpt-4o"]);
        var (_, teamAdminKey, _) = await admin.UserWithKeyAsync(mine.Id(), "team_admin", ["gpt-4o"]);

        using var orgAdmin = host.Client(orgAdminKey);
        using var teamAdmin = host.Client(teamAdminKey);
        var seen = (await orgAdmin.GetOkAsync("/admin/audit"))["items"]!.AsArray();

        Assert.NotEmpty(seen);
        Assert.All(seen, e => Assert.Equal(mine.Id(), e!.AsObject().Id("organizationId")));
        await AdminApi.ProblemAsync(await teamAdmin.GetAsync("/admin/audit"), HttpStatusCode.Forbidden);
    }

    private async Task<(AdminHost Host, string ConnectionString)> StartAsync(string? anchorFile = null)
    {
        var connectionString = await store.NewDatabaseAsync();
        var host = await AdminHost.StartAsync(new()
        {
            ["Policy:Database:Provider"] = store.Provider,
            ["Policy:Database:ConnectionString"] = connectionString,
            ["Policy:Audit:AnchorFile"] = anchorFile,
        });
        return (host, connectionString);
    }

    /// <summary>A detached copy, so the rewritten entries can be inserted where the originals were deleted.</summary>
    private static AuditEvent Copy(AuditEvent e) => new()
    {
        Sequence = e.Sequence,
        OccurredAt = e.OccurredAt,
        Actor = e.Actor,
        OrganizationId = e.OrganizationId,
        Operation = e.Operation,
        ObjectType = e.ObjectType,
        ObjectId = e.ObjectId,
        BeforeJson = e.BeforeJson,
        AfterJson = e.AfterJson,
        ClientAddress = e.ClientAddress,
        PreviousHash = e.PreviousHash,
        Hash = e.Hash,
    };

    private static async Task MakeChangesAsync(AdminHost host, int count)
    {
        using var admin = host.Client();
        var organization = (await admin.GetOkAsync("/admin/organizations"))["items"]![0]!.AsObject().Id();
        var adminUser = (await admin.GetOkAsync("/admin/users?role=admin"))["items"]![0]!.AsObject().Id();
        for (var i = 0; i < count; i++)
        {
            await admin.PostOkAsync("/admin/keys", new { owner = new { userId = adminUser }, models = new[] { "gpt-4o" }, tags = new Dictionary<string, string> { ["org"] = organization.ToString() } });
        }
    }

    private static async Task<PolicyDbContext> Database(AdminHost host) =>
        await host.Services.GetRequiredService<IDbContextFactory<PolicyDbContext>>().CreateDbContextAsync();

    private async Task TamperAsync(AdminHost host, string sql)
    {
        await using var db = await Database(host);
        await db.Database.ExecuteSqlRawAsync(store.Provider == "Postgres"
            ? "ALTER TABLE audit_events DISABLE TRIGGER USER"
            : "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;");
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    private static async Task<(long Entries, IReadOnlyList<AuditFinding> Findings)> VerifyAsync(AdminHost host)
    {
        await using var db = await Database(host);
        return await AuditVerifier.VerifyAsync(db, [], CancellationToken.None);
    }

    private string[] Arguments(string connectionString) =>
        [$"--Policy:Database:Provider={store.Provider}", $"--Policy:Database:ConnectionString={connectionString}"];

    private async Task<int> RunCommandAsync(string connectionString, string? anchorFile = null)
    {
        using var output = new StringWriter();
        string[] arguments = anchorFile is null ? Arguments(connectionString) : [.. Arguments(connectionString), $"--Policy:Audit:AnchorFile={anchorFile}"];
        return await AuditVerifyCommand.RunAsync(arguments, output, output);
    }
}

public sealed class SqliteAuditSpecs(SqliteTestStore store) : AuditSpecs(store), IClassFixture<SqliteTestStore>;

public sealed class PostgresAuditSpecs(PostgresTestStore store) : AuditSpecs(store), IClassFixture<PostgresTestStore>;
