using System.Buffers.Text;
using System.Diagnostics;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Routing;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Keys.Administration;
using AiMesh.Policy.Store;
using AiMesh.Policy.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AiMesh.Policy.Tests.Keys;

/// <summary>Virtual keys from the store, decided from memory; run once per provider, each test on a database of its own.</summary>
public abstract class StoredKeySpecs(ITestStore store, ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_new_key_has_the_prefix_and_256_random_bits_and_only_its_hash_and_display_prefix_are_stored()
    {
        var (policy, connectionString) = await StartAsync();
        await using var _ = policy;
        var tenant = await Tenant.CreateAsync(policy.Services);

        var created = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(UserId: tenant.UserId), Models: ["*"]));

        Assert.StartsWith("sk-aimesh-", created.Secret, StringComparison.Ordinal);
        Assert.Equal(32, Base64Url.DecodeFromChars(created.Secret.AsSpan("sk-aimesh-".Length)).Length);
        Assert.Equal(created.Secret[..12], created.Key.DisplayPrefix);
        Assert.DoesNotContain(created.Secret, created.ToString(), StringComparison.Ordinal);

        var stored = await store.DumpAsync(connectionString);
        Assert.Contains(KeyRing.HashOf(created.Secret), stored, StringComparison.Ordinal);
        Assert.Contains(created.Key.DisplayPrefix, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Secret, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Secret[12..], stored, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Secret, string.Join('\n', policy.Logs.Lines.Select(l => l.Line)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_key_is_authorized_as_its_owner_with_its_display_prefix_and_team()
    {
        var (policy, _) = await StartAsync();
        await using var __ = policy;
        var tenant = await Tenant.CreateAsync(policy.Services);

        var byUser = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(UserId: tenant.UserId), Models: ["gpt-4o", "gpt-4o-mini"]));
        var byTeam = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(TeamId: tenant.TeamId), Models: ["*"]));
        var byAccount = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(ServiceAccountId: tenant.ServiceAccountId), Models: ["*"]));

        var (user, _) = await policy.AskAsync(byUser.Secret);
        var (team, _) = await policy.AskAsync(byTeam.Secret, "anything");
        var (account, _) = await policy.AskAsync(byAccount.Secret);

        Assert.Equal(($"user:{tenant.UserId}", byUser.Key.Id.ToString(), (string?)null), (user!.PrincipalId, user.KeyId, user.TeamId));
        Assert.Equal(["gpt-4o", "gpt-4o-mini"], user.AllowedModels);
        Assert.Equal(($"team:{tenant.TeamId}", tenant.TeamId.ToString()), (team!.PrincipalId, team.TeamId));
        Assert.Null(team.AllowedModels);
        Assert.Equal(($"service_account:{tenant.ServiceAccountId}", tenant.TeamId.ToString()), (account!.PrincipalId, account.TeamId));

        // Every stored key is metered with the organization owning it.
        Assert.All(new[] { user, team, account }, a => Assert.Equal(tenant.OrganizationId.ToString(), a.OrganizationId));
    }

    [Fact]
    public async Task Body_logging_is_off_by_default_follows_a_keys_flag_and_a_teams_flag_reaches_every_key_of_the_team()
    {
        var (policy, _) = await StartAsync();
        await using var __ = policy;
        var tenant = await Tenant.CreateAsync(policy.Services);
        var byUser = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(UserId: tenant.UserId), Models: ["*"]));
        var byTeam = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(TeamId: tenant.TeamId), Models: ["*"]));
        var byAccount = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(ServiceAccountId: tenant.ServiceAccountId), Models: ["*"]));
        var logged = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(UserId: tenant.UserId), Models: ["*"], LogBodies: true));
        async Task<bool> LogsAsync(CreatedKey key) => (await policy.AskAsync(key.Secret)).Authorized!.LogBodies;
        async Task<(bool, bool, bool, bool)> AllAsync() => (await LogsAsync(byUser), await LogsAsync(byTeam), await LogsAsync(byAccount), await LogsAsync(logged));

        Assert.Equal((false, false, false, true), await AllAsync());

        var on = await policy.AdministerAsync(a => a.UpdateAsync(byUser.Key.Id, new UpdateKey(LogBodies: true), "tests", CancellationToken.None));
        Assert.True(on.Value!.LogBodies);
        Assert.Equal((true, false, false, true), await AllAsync());
        await policy.AdministerAsync(a => a.UpdateAsync(byUser.Key.Id, new UpdateKey(LogBodies: false), "tests", CancellationToken.None));
        Assert.Equal((false, false, false, true), await AllAsync());

        // The team's flag, as the admin API changes it: saved, then folded into this replica's keys of the team (its own
        // and its service account's; a member's own key is not the team's).
        await SetTeamLoggingAsync(policy, tenant.TeamId, true);
        var keys = policy.Services.GetRequiredService<StoredKeys>();
        await keys.ReloadTeamAsync(tenant.TeamId, CancellationToken.None);
        Assert.Equal((false, true, true, true), await AllAsync());

        // A whole reload (the bound when a TeamChanged event was lost) reads the teams' flags too.
        await SetTeamLoggingAsync(policy, tenant.TeamId, false);
        await keys.ReloadAllAsync(CancellationToken.None);
        Assert.Equal((false, false, false, true), await AllAsync());
        await SetTeamLoggingAsync(policy, tenant.TeamId, true);
        await keys.ReloadAllAsync(CancellationToken.None);
        Assert.Equal((false, true, true, true), await AllAsync());

        // A key reloaded on its own (any change of it) reads its team's flag as well.
        await policy.AdministerAsync(a => a.UpdateAsync(byTeam.Key.Id, new UpdateKey(Tags: new Dictionary<string, string> { ["env"] = "prod" }), "tests", CancellationToken.None));
        Assert.True(await LogsAsync(byTeam));
    }

    private static async Task SetTeamLoggingAsync(PolicyHost policy, Guid teamId, bool on)
    {
        await using var db = await policy.Services.GetRequiredService<IDbContextFactory<PolicyDbContext>>().CreateDbContextAsync();
        var team = await db.Teams.AsTracking().SingleAsync(t => t.Id == teamId);
        team.LogBodies = on;
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_key_refreshed_again_and_again_is_never_missing_for_a_decision_made_meanwhile()
    {
        var (policy, _) = await StartAsync();
        await using var __ = policy;
        var tenant = await Tenant.CreateAsync(policy.Services);
        var created = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(UserId: tenant.UserId), Models: ["*"]));
        var keys = policy.Services.GetRequiredService<StoredKeys>();
        var hash = KeyRing.HashOf(created.Secret);
        Assert.NotNull(keys.Find(hash));

        // Readers take no lock: a refresh must replace the key in place, never remove it and add it back.
        using var refreshing = new CancellationTokenSource();
        var refresher = Task.Run(async () =>
        {
            while (!refreshing.IsCancellationRequested)
            {
                await keys.ReloadKeyAsync(created.Key.Id, CancellationToken.None);
            }
        });
        var missing = 0;
        var reads = 0;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (DateTime.UtcNow < until)
        {
            for (var i = 0; i < 1_000; i++, reads++)
            {
                missing += keys.Find(hash) is null ? 1 : 0;
            }

            await Task.Yield();
        }

        await refreshing.CancelAsync();
        await refresher;
        Assert.Equal(0, missing);
        Assert.True(reads > 10_000, $"only {reads} reads");
    }

    [Fact]
    public async Task A_key_with_no_models_and_no_groups_may_use_no_model()
    {
        var (policy, _) = await StartAsync();
        await using var __ = policy;
        var tenant = await Tenant.CreateAsync(policy.Services);
        var created = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(UserId: tenant.UserId)));

        var (_, denied) = await policy.AskAsync(created.Secret, "gpt-4o");
        var (listed, _) = await policy.AskAsync(created.Secret, model: null);

        Assert.Equal((404, "model_not_found"), (denied!.Status, denied.Code));
        Assert.Empty(listed!.AllowedModels!);
    }

    [Fact]
    public async Task Revoked_and_expired_keys_get_exactly_the_answer_an_unknown_key_gets()
    {
        var time = new SettableTime(Start);
        var (policy, _) = await StartAsync(time);
        await using var __ = policy;
        var tenant = await Tenant.CreateAsync(policy.Services);
        var revoked = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(UserId: tenant.UserId), Models: ["*"]));
        var expiring = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(UserId: tenant.UserId), Models: ["*"], ExpiresAt: Start.AddHours(1)));
        Assert.NotNull((await policy.AskAsync(revoked.Secret)).Authorized);
        Assert.NotNull((await policy.AskAsync(expiring.Secret)).Authorized);

        var revocation = await policy.AdministerAsync(a => a.RevokeAsync(revoked.Key.Id, "tests", CancellationToken.None));
        time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(KeyStatus.Revoked, revocation.Value!.Status);
        Assert.Equal(Start, revocation.Value.RevokedAt);
        var unknown = await policy.AskAsync("sk-aimesh-never-issued");
        foreach (var secret in new[] { revoked.Secret, expiring.Secret })
        {
            var (authorized, denied) = await policy.AskAsync(secret);
            Assert.Null(authorized);
            Assert.Equal(unknown.Denied! with { RequestId = denied!.RequestId }, denied);
        }

        // The whole reload (as every replica runs it periodically) does not bring either back.
        await policy.Services.GetRequiredService<StoredKeys>().ReloadAllAsync(CancellationToken.None);
        await policy.AssertInvalidKeyAsync(revoked.Secret);
        await policy.AssertInvalidKeyAsync(expiring.Secret);
    }

    [Fact]
    public async Task A_disabled_key_is_refused_like_an_unknown_one_until_it_is_enabled_again_and_a_revoked_one_stays_revoked()
    {
        var (policy, _) = await StartAsync();
        await using var __ = policy;
        var tenant = await Tenant.CreateAsync(policy.Services);
        var key = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(UserId: tenant.UserId), Models: ["*"]));

        var disabled = await policy.AdministerAsync(a => a.SetEnabledAsync(key.Key.Id, enabled: false, "tests", CancellationToken.None));
        await policy.AssertInvalidKeyAsync(key.Secret);

        var enabled = await policy.AdministerAsync(a => a.SetEnabledAsync(key.Key.Id, enabled: true, "tests", CancellationToken.None));
        Assert.NotNull((await policy.AskAsync(key.Secret)).Authorized);

        await policy.AdministerAsync(a => a.RevokeAsync(key.Key.Id, "tests", CancellationToken.None));
        var revived = await policy.AdministerAsync(a => a.SetEnabledAsync(key.Key.Id, enabled: true, "tests", CancellationToken.None));

        Assert.Equal((KeyStatus.Disabled, KeyStatus.Enabled), (disabled.Value!.Status, enabled.Value!.Status));
        Assert.Equal(AdminFailureKind.Invalid, revived.Failure!.Kind);
        await policy.AssertInvalidKeyAsync(key.Secret);
    }

    [Fact]
    public async Task After_rotation_both_keys_work_until_the_grace_ends_then_only_the_new_one()
    {
        var time = new SettableTime(Start);
        var (policy, _) = await StartAsync(time);
        await using var __ = policy;
        var tenant = await Tenant.CreateAsync(policy.Services);
        var old = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(TeamId: tenant.TeamId), Models: ["gpt-4o"], Tags: new Dictionary<string, string> { ["env"] = "prod" }));

        var rotation = await policy.AdministerAsync(a => a.RotateAsync(old.Key.Id, TimeSpan.FromMinutes(10), "tests", CancellationToken.None));
        var rotated = rotation.Value!;

        Assert.NotEqual(old.Secret, rotated.Secret);
        Assert.Equal(old.Key.Id, rotated.Key.RotatedFrom);
        Assert.Equal(["gpt-4o"], rotated.Key.Models);
        Assert.Equal("prod", rotated.Key.Tags["env"]);
        Assert.NotNull((await policy.AskAsync(old.Secret)).Authorized);
        Assert.NotNull((await policy.AskAsync(rotated.Secret)).Authorized);

        time.Advance(TimeSpan.FromMinutes(9));
        Assert.NotNull((await policy.AskAsync(old.Secret)).Authorized);

        time.Advance(TimeSpan.FromMinutes(1));
        await policy.AssertInvalidKeyAsync(old.Secret);
        Assert.NotNull((await policy.AskAsync(rotated.Secret)).Authorized);

        var oldView = await policy.AdministerAsync(a => a.GetAsync(old.Key.Id, CancellationToken.None));
        Assert.Equal(Start.AddMinutes(10), oldView.Value!.ExpiresAt);
    }

    [Fact]
    public async Task An_ip_allowlist_admits_its_v4_and_v6_networks_and_refuses_every_other_address_with_the_same_401()
    {
        var (policy, _) = await StartAsync();
        await using var __ = policy;
        var tenant = await Tenant.CreateAsync(policy.Services);
        var key = await policy.CreateKeyAsync(new CreateKey(
            new KeyOwner(UserId: tenant.UserId), Models: ["*"], IpAllowlist: ["192.168.10.0/24", "2001:db8::/32", "203.0.113.7"]));
        var open = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(UserId: tenant.UserId), Models: ["*"]));

        foreach (var inside in new[] { "192.168.10.7", "::ffff:192.168.10.200", "2001:db8:1::5", "203.0.113.7" })
        {
            Assert.NotNull((await policy.AskAsync(key.Secret, address: inside)).Authorized);
        }

        foreach (var outside in new[] { "192.168.11.7", "10.0.0.1", "2001:db9::1", "203.0.113.8", "", "not-an-address", "192.168.10.7\0" })
        {
            await policy.AssertInvalidKeyAsync(key.Secret, address: outside);
        }

        await policy.AssertInvalidKeyAsync(key.Secret, address: null);
        Assert.NotNull((await policy.AskAsync(open.Secret, address: null)).Authorized);
        Assert.NotNull((await policy.AskAsync(open.Secret, address: "2001:db9::1")).Authorized);
    }

    [Fact]
    public async Task Access_groups_grant_their_models_and_a_change_to_a_group_reaches_its_keys()
    {
        var (policy, _) = await StartAsync();
        await using var __ = policy;
        var tenant = await Tenant.CreateAsync(policy.Services);
        var group = await policy.AdministerAsync(a => a.DefineAccessGroupAsync(tenant.OrganizationId, "chat", ["gpt-4o", "gpt-4o-mini"], "tests", CancellationToken.None));
        Assert.True(group.Succeeded);
        var key = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(UserId: tenant.UserId), Models: ["text-embedding-3-small"], AccessGroups: ["chat"]));

        var (allowed, _) = await policy.AskAsync(key.Secret, "gpt-4o-mini");
        var (_, notInGroup) = await policy.AskAsync(key.Secret, "o1");

        Assert.Equal(["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"], allowed!.AllowedModels);
        Assert.Equal((404, "model_not_found"), (notInGroup!.Status, notInGroup.Code));

        await policy.AdministerAsync(a => a.DefineAccessGroupAsync(tenant.OrganizationId, "chat", ["o1"], "tests", CancellationToken.None));

        Assert.NotNull((await policy.AskAsync(key.Secret, "o1")).Authorized);
        Assert.Equal(404, (await policy.AskAsync(key.Secret, "gpt-4o")).Denied!.Status);

        var unknownGroup = await policy.AdministerAsync(a => a.CreateAsync(
            new CreateKey(new KeyOwner(UserId: tenant.UserId), AccessGroups: ["no-such-group"]), "tests", CancellationToken.None));
        Assert.Equal(AdminFailureKind.Invalid, unknownGroup.Failure!.Kind);
        Assert.Contains("accessGroups", unknownGroup.Failure.Errors.Keys);
    }

    [Fact]
    public async Task An_update_changes_models_ips_expiry_and_tags_and_the_decision_follows()
    {
        var (policy, _) = await StartAsync();
        await using var __ = policy;
        var tenant = await Tenant.CreateAsync(policy.Services);
        var key = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(UserId: tenant.UserId), Models: ["gpt-4o"]));

        var updated = await policy.AdministerAsync(a => a.UpdateAsync(
            key.Key.Id, new UpdateKey(Models: ["o1"], IpAllowlist: ["10.0.0.0/8"], Tags: new Dictionary<string, string> { ["cost-center"] = "42" }), "tests", CancellationToken.None));

        Assert.Equal(["o1"], updated.Value!.Models);
        Assert.Equal(["10.0.0.0/8"], updated.Value.IpAllowlist);
        Assert.Equal("42", updated.Value.Tags["cost-center"]);
        Assert.Equal(404, (await policy.AskAsync(key.Secret, "gpt-4o", "10.1.2.3")).Denied!.Status);
        Assert.NotNull((await policy.AskAsync(key.Secret, "o1", "10.1.2.3")).Authorized);
        await policy.AssertInvalidKeyAsync(key.Secret, "o1", "11.1.2.3");
    }

    [Fact]
    public async Task Keys_are_listed_by_page_and_filter()
    {
        var (policy, _) = await StartAsync();
        await using var __ = policy;
        var tenant = await Tenant.CreateAsync(policy.Services);
        var other = await Tenant.CreateAsync(policy.Services, "globex");
        var keys = new List<CreatedKey>();
        for (var i = 0; i < 3; i++)
        {
            keys.Add(await policy.CreateKeyAsync(new CreateKey(new KeyOwner(UserId: tenant.UserId), Models: ["*"])));
        }

        await policy.CreateKeyAsync(new CreateKey(new KeyOwner(TeamId: other.TeamId), Models: ["*"]));
        await policy.AdministerAsync(a => a.RevokeAsync(keys[1].Key.Id, "tests", CancellationToken.None));

        var first = (await policy.AdministerAsync(a => a.ListAsync(new KeyQuery(OrganizationId: tenant.OrganizationId, Limit: 2), CancellationToken.None))).Value!;
        var second = (await policy.AdministerAsync(a => a.ListAsync(new KeyQuery(OrganizationId: tenant.OrganizationId, After: first.NextAfter, Limit: 2), CancellationToken.None))).Value!;
        var revoked = (await policy.AdministerAsync(a => a.ListAsync(new KeyQuery(Status: KeyStatus.Revoked), CancellationToken.None))).Value!;
        var byTeam = (await policy.AdministerAsync(a => a.ListAsync(new KeyQuery(Owner: new KeyOwner(TeamId: other.TeamId)), CancellationToken.None))).Value!;
        var byPrefix = (await policy.AdministerAsync(a => a.ListAsync(new KeyQuery(DisplayPrefix: keys[2].Key.DisplayPrefix), CancellationToken.None))).Value!;

        Assert.Equal(2, first.Items.Count);
        Assert.NotNull(first.NextAfter);
        Assert.Null(second.NextAfter);
        Assert.Equal(keys.Select(k => k.Key.Id).Order(), first.Items.Concat(second.Items).Select(k => k.Id).Order());
        Assert.Equal([keys[1].Key.Id], revoked.Items.Select(k => k.Id));
        Assert.Equal(other.OrganizationId, Assert.Single(byTeam.Items).OrganizationId);
        Assert.Contains(byPrefix.Items, k => k.Id == keys[2].Key.Id);
    }

    [Fact]
    public async Task Invalid_requests_come_back_as_validation_errors_naming_every_field()
    {
        var (policy, _) = await StartAsync();
        await using var __ = policy;
        var tenant = await Tenant.CreateAsync(policy.Services);

        var result = await policy.AdministerAsync(a => a.CreateAsync(
            new CreateKey(
                new KeyOwner(UserId: tenant.UserId, TeamId: tenant.TeamId),
                Models: [""],
                ExpiresAt: DateTimeOffset.UtcNow.AddMinutes(-1),
                IpAllowlist: ["10.0.0.1/8", "300.1.1.1", "2001:db8::/129"],
                Tags: new Dictionary<string, string> { [""] = "x" }),
            "tests",
            CancellationToken.None));
        var noOwner = await policy.AdministerAsync(a => a.CreateAsync(new CreateKey(new KeyOwner(UserId: Guid.NewGuid())), "tests", CancellationToken.None));
        var missing = await policy.AdministerAsync(a => a.RevokeAsync(Guid.NewGuid(), "tests", CancellationToken.None));
        var badPage = await policy.AdministerAsync(a => a.ListAsync(new KeyQuery(Limit: 100_000, Status: "gone"), CancellationToken.None));

        Assert.Equal(AdminFailureKind.Invalid, result.Failure!.Kind);
        Assert.Equal(
            ["expiresAt", "ipAllowlist[0]", "ipAllowlist[1]", "ipAllowlist[2]", "models[0]", "owner", "tags.key"],
            result.Failure.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((AdminFailureKind.Invalid, "owner"), (noOwner.Failure!.Kind, Assert.Single(noOwner.Failure.Errors.Keys)));
        Assert.Equal(AdminFailureKind.NotFound, missing.Failure!.Kind);
        Assert.Equal(["limit", "status"], badPage.Failure!.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("' OR '1'='1")]
    [InlineData("\"; DROP TABLE virtual_keys; --")]
    [InlineData("sk-aimesh-\0abc")]
    [InlineData("%_*[]\\")]
    [InlineData(null)]
    public async Task Hostile_text_as_key_or_filter_gets_401_or_a_validation_error_never_an_exception(string? hostile)
    {
        var (policy, _) = await StartAsync();
        await using var __ = policy;
        var tenant = await Tenant.CreateAsync(policy.Services);
        var real = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(UserId: tenant.UserId), Models: ["*"]));
        var text = hostile ?? new string('k', 10 * 1024);

        // As the client's key (hashed, as the ingress sends it) and as the hash field itself.
        await policy.AssertInvalidKeyAsync(text);
        var (authorized, denied) = await policy.AuthorizeAsync(new AuthorizeRequest(Guid.NewGuid(), text, "chat.completions", "gpt-4o", "10.0.0.1"));
        Assert.Null(authorized);
        Assert.Equal(401, denied!.Status);

        // As a filter, a model, an access group, a tag and an actor.
        var list = await policy.AdministerAsync(a => a.ListAsync(new KeyQuery(DisplayPrefix: text), CancellationToken.None));
        var create = await policy.AdministerAsync(a => a.CreateAsync(
            new CreateKey(new KeyOwner(UserId: tenant.UserId), Models: [text], Tags: new Dictionary<string, string> { ["t"] = text }), "tests", CancellationToken.None));
        var group = await policy.AdministerAsync(a => a.DefineAccessGroupAsync(tenant.OrganizationId, text, ["gpt-4o"], "tests", CancellationToken.None));
        var revoke = await policy.AdministerAsync(a => a.RevokeAsync(real.Key.Id, text, CancellationToken.None));

        var hasNul = text.Contains('\0', StringComparison.Ordinal);
        if (text.Length <= 12 && !hasNul)
        {
            Assert.Empty(list.Value!.Items); // ordinary text to SQL: matches nothing
        }
        else
        {
            Assert.Equal(AdminFailureKind.Invalid, list.Failure!.Kind);
        }

        if (text.Length <= 200 && !hasNul)
        {
            // Stored and read back verbatim: the text was a parameter, never part of the SQL.
            Assert.Equal([text], create.Value!.Key.Models);
            Assert.Equal(text, create.Value.Key.Tags["t"]);
            Assert.Equal(text, group.Value!.Name);
            Assert.Equal(KeyStatus.Revoked, revoke.Value!.Status);
        }
        else
        {
            Assert.Equal(AdminFailureKind.Invalid, create.Failure!.Kind);
            Assert.Equal(AdminFailureKind.Invalid, group.Failure!.Kind);
            Assert.Equal(AdminFailureKind.Invalid, revoke.Failure!.Kind);
            Assert.NotNull((await policy.AskAsync(real.Secret)).Authorized);
        }

        // The table is still there and whole.
        var all = await policy.AdministerAsync(a => a.ListAsync(new KeyQuery(OrganizationId: tenant.OrganizationId), CancellationToken.None));
        Assert.Contains(all.Value!.Items, k => k.Id == real.Key.Id);
    }

    [Fact]
    public async Task A_hundred_thousand_stored_keys_load_and_each_is_found_by_its_hash()
    {
        const int count = 100_000;
        var (policy, _) = await StartAsync();
        await using var __ = policy;
        var tenant = await Tenant.CreateAsync(policy.Services);
        var factory = policy.Services.GetRequiredService<IDbContextFactory<PolicyDbContext>>();
        var now = DateTimeOffset.UtcNow;
        for (var batch = 0; batch < count; batch += 10_000)
        {
            await using var db = await factory.CreateDbContextAsync();
            db.VirtualKeys.AddRange(Enumerable.Range(batch, 10_000).Select(i => new VirtualKey
            {
                Id = BulkId(i),
                KeyHash = KeyRing.HashOf($"sk-bulk-{i}"),
                DisplayPrefix = $"bulk-{i}",
                OrganizationId = tenant.OrganizationId,
                OwnerTeamId = tenant.TeamId,
                Models = [i % 2 == 0 ? "gpt-4o" : "o1"],
                CreatedAt = now,
                UpdatedAt = now,
                CreatedBy = "tests",
            }));
            await db.SaveChangesAsync();
        }

        var keys = policy.Services.GetRequiredService<StoredKeys>();
        var clock = Stopwatch.StartNew();
        await keys.ReloadAllAsync(CancellationToken.None);

        // Reported, not asserted: speed is the benchmark's to show.
        output.WriteLine($"{store.Provider}: {count} keys loaded in {clock.Elapsed.TotalSeconds:F1} s");

        Assert.Equal(count, keys.Count);
        for (var i = 0; i < count; i++)
        {
            var grant = keys.Find(KeyRing.HashOf($"sk-bulk-{i}"));
            Assert.Equal(BulkId(i).ToString(), grant?.KeyId);
            Assert.True(grant!.Allows(i % 2 == 0 ? "gpt-4o" : "o1"));
            Assert.False(grant.Allows(i % 2 == 0 ? "o1" : "gpt-4o"));
        }

        Assert.Null(keys.Find(KeyRing.HashOf($"sk-bulk-{count}")));
        var (authorized, _) = await policy.AskAsync("sk-bulk-4242", "gpt-4o");
        Assert.Equal(BulkId(4242).ToString(), authorized!.KeyId);
    }

    /// <summary>The id of the bulk test's key number <paramref name="i"/>: usage and limits name a stored key by its id.</summary>
    private static Guid BulkId(int i) => new(i, 0, 0, [0, 0, 0, 0, 0, 0, 0, 1]);

    [Fact]
    public async Task Regions_and_tags_of_a_key_and_its_team_are_stored_folded_into_the_grant_and_sent_with_the_route()
    {
        var (policy, _) = await StartAsync();
        await using var __ = policy;
        var tenant = await Tenant.CreateAsync(policy.Services);
        var factory = policy.Services.GetRequiredService<IDbContextFactory<PolicyDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var row = await db.Teams.AsTracking().FirstAsync(t => t.Id == tenant.TeamId);
            row.Tags = new Dictionary<string, string> { ["dept"] = "research" };
            row.Regions = ["eu", "us"];
            await db.SaveChangesAsync();
        }

        var teamKey = await policy.CreateKeyAsync(new CreateKey(
            new KeyOwner(TeamId: tenant.TeamId), Models: ["*"], Tags: new Dictionary<string, string> { ["tier"] = "premium" }, Regions: ["EU", "ap"]));
        var accountKey = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(ServiceAccountId: tenant.ServiceAccountId), Models: ["*"]));
        var userKey = await policy.CreateKeyAsync(new CreateKey(new KeyOwner(UserId: tenant.UserId), Models: ["*"]));
        var stored = await policy.AdministerAsync(a => a.GetAsync(teamKey.Key.Id, CancellationToken.None));
        Assert.Equal(["ap", "eu"], stored.Value!.Regions);

        var route = new RouteCompletion(Guid.NewGuid(), "chat.completions", "gpt-4o", "{}", false, null, DateTimeOffset.UtcNow.AddMinutes(1), "");
        var (team, _) = await policy.AuthorizeAsync(new AuthorizeRequest(Guid.NewGuid(), KeyRing.HashOf(teamKey.Secret), "chat.completions", "gpt-4o", "10.0.0.1", Route: route));
        var (account, _) = await policy.AskAsync(accountKey.Secret);
        var (user, _) = await policy.AskAsync(userKey.Secret);

        // The key's regions ∩ its team's; a key with none takes its team's; a key of no team and no regions has no restriction.
        Assert.Equal(["eu"], team!.Regions);
        Assert.Equal(("premium", "research"), (team.KeyTags!["tier"], team.TeamTags!["dept"]));
        Assert.Equal(["eu", "us"], account!.Regions);
        Assert.Equal("research", account.TeamTags!["dept"]);
        Assert.Null(user!.Regions);
        Assert.Null(user.KeyTags);
        var sent = Assert.Single(policy.Harness.Sent.Select<RouteCompletion>()).Context.Message;
        Assert.Equal(["eu"], sent.Regions);
        Assert.Equal("premium", sent.KeyTags!["tier"]);
        Assert.Equal("research", sent.TeamTags!["dept"]);
    }

    private async Task<(PolicyHost Host, string ConnectionString)> StartAsync(TimeProvider? time = null)
    {
        var connectionString = await store.NewDatabaseAsync();
        var host = await PolicyHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Policy:Database:Provider"] = store.Provider,
                ["Policy:Database:ConnectionString"] = connectionString,
            },
            services =>
            {
                if (time is not null)
                {
                    services.AddSingleton(time);
                }
            });
        return (host, connectionString);
    }
}
