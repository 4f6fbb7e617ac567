using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Metering;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Policy.Tests.Admin;

/// <summary>
/// Body logging through the admin API: a key's flag and a team's, set and cleared, each change audited with its before
/// and after and applied to the replica's decisions at once; one request's usage and bodies read back, each read audited,
/// what the caller may not see answered like what does not exist. (Who may do each: <see cref="RbacMatrixTests"/>.)
/// </summary>
public sealed class BodyLoggingAdminTests(RbacWorld world) : IClassFixture<RbacWorld>
{
    [Fact]
    public async Task A_members_key_flag_is_set_and_cleared_audited_both_times_and_decided_at_once()
    {
        var (self, member) = world.Actors["member"];
        var created = await member.PostOkAsync("/admin/keys", new { owner = new { userId = self }, models = new[] { "gpt-4o" } });
        var keyId = created["key"]!.AsObject().Id();
        var hash = KeyRing.HashOf(created.Text("secret"));
        var keys = world.Services.GetRequiredService<StoredKeys>();
        Assert.False(created["key"]!["logBodies"]!.GetValue<bool>());
        Assert.False(keys.Find(hash)!.LogBodies);

        var on = await AdminApi.OkAsync(await member.PatchAsJsonAsync($"/admin/keys/{keyId}", new { logBodies = true }));
        Assert.True(on["logBodies"]!.GetValue<bool>());
        Assert.True(keys.Find(hash)!.LogBodies);
        Assert.True((await member.GetOkAsync($"/admin/keys/{keyId}"))["logBodies"]!.GetValue<bool>());

        var off = await AdminApi.OkAsync(await member.PatchAsJsonAsync($"/admin/keys/{keyId}", new { logBodies = false }));
        Assert.False(off["logBodies"]!.GetValue<bool>());
        Assert.False(keys.Find(hash)!.LogBodies);

        var entries = await AuditAsync("key.update", keyId.ToString());
        Assert.Equal(2, entries.Count);
        Assert.Equal((false, true), (entries[0]["before"]!["logBodies"]!.GetValue<bool>(), entries[0]["after"]!["logBodies"]!.GetValue<bool>()));
        Assert.Equal((true, false), (entries[1]["before"]!["logBodies"]!.GetValue<bool>(), entries[1]["after"]!["logBodies"]!.GetValue<bool>()));
        Assert.All(entries, e => Assert.Equal($"user:{self}", e.Text("actor")));
    }

    [Fact]
    public async Task A_key_created_with_the_flag_keeps_it_through_a_rotation()
    {
        var (self, member) = world.Actors["member"];
        var created = await member.PostOkAsync("/admin/keys", new { owner = new { userId = self }, models = new[] { "gpt-4o" }, logBodies = true });
        Assert.True(created["key"]!["logBodies"]!.GetValue<bool>());

        var rotated = await member.PostOkAsync($"/admin/keys/{created["key"]!.AsObject().Id()}/rotate", new { graceSeconds = 0 });

        Assert.True(rotated["key"]!["logBodies"]!.GetValue<bool>());
        Assert.True(world.Services.GetRequiredService<StoredKeys>().Find(KeyRing.HashOf(rotated.Text("secret")))!.LogBodies);
    }

    [Fact]
    public async Task A_teams_flag_reaches_every_key_of_the_team_and_no_other_and_both_changes_are_audited()
    {
        var orgAdmin = world.Actors["org_admin"].Client;
        var team = await orgAdmin.PostOkAsync("/admin/teams", new { organizationId = world.OrgA, name = $"logged-{Guid.NewGuid():N}" });
        Assert.False(team["logBodies"]!.GetValue<bool>());
        var teamId = team.Id();
        var account = (await world.Root.PostOkAsync("/admin/service-accounts", new { teamId, name = "sa" })).Id();
        var teamKey = KeyRing.HashOf((await world.Root.PostOkAsync("/admin/keys", new { owner = new { teamId }, models = new[] { "gpt-4o" } })).Text("secret"));
        var accountKey = KeyRing.HashOf((await world.Root.PostOkAsync("/admin/keys", new { owner = new { serviceAccountId = account }, models = new[] { "gpt-4o" } })).Text("secret"));
        var otherTeamsKey = KeyRing.HashOf((await world.Root.PostOkAsync("/admin/keys", new { owner = new { teamId = world.T2 }, models = new[] { "gpt-4o" } })).Text("secret"));
        var keys = world.Services.GetRequiredService<StoredKeys>();

        var on = await AdminApi.OkAsync(await orgAdmin.PatchAsJsonAsync($"/admin/teams/{teamId}", new { logBodies = true }));

        Assert.True(on["logBodies"]!.GetValue<bool>());
        Assert.True((await orgAdmin.GetOkAsync($"/admin/teams/{teamId}"))["logBodies"]!.GetValue<bool>());
        Assert.Equal((true, true, false), (keys.Find(teamKey)!.LogBodies, keys.Find(accountKey)!.LogBodies, keys.Find(otherTeamsKey)!.LogBodies));

        // A key made after the switch carries it too, and switching off reaches them all.
        var later = KeyRing.HashOf((await world.Root.PostOkAsync("/admin/keys", new { owner = new { teamId }, models = new[] { "gpt-4o" } })).Text("secret"));
        Assert.True(keys.Find(later)!.LogBodies);
        await AdminApi.OkAsync(await orgAdmin.PatchAsJsonAsync($"/admin/teams/{teamId}", new { logBodies = false }));
        Assert.Equal((false, false, false), (keys.Find(teamKey)!.LogBodies, keys.Find(accountKey)!.LogBodies, keys.Find(later)!.LogBodies));

        var entries = await AuditAsync("team.update", teamId.ToString());
        Assert.Equal(2, entries.Count);
        Assert.Equal((false, true), (entries[0]["before"]!["logBodies"]!.GetValue<bool>(), entries[0]["after"]!["logBodies"]!.GetValue<bool>()));
        Assert.Equal((true, false), (entries[1]["before"]!["logBodies"]!.GetValue<bool>(), entries[1]["after"]!["logBodies"]!.GetValue<bool>()));
        Assert.Equal($"user:{world.Actors["org_admin"].UserId}", entries[0].Text("actor"));
    }

    [Fact]
    public async Task A_team_admin_may_not_switch_its_own_teams_logging_and_a_bad_body_is_a_field_error()
    {
        var teamAdmin = world.Actors["team_admin"].Client;
        using var refused = await teamAdmin.PatchAsJsonAsync($"/admin/teams/{world.T1}", new { logBodies = true });
        await AdminApi.ProblemAsync(refused, HttpStatusCode.Forbidden);
        Assert.False((await world.Root.GetOkAsync($"/admin/teams/{world.T1}"))["logBodies"]!.GetValue<bool>());

        using var bad = await world.Root.PatchAsync($"/admin/teams/{world.T1}", new StringContent("{\"logBodies\": \"yes\"}", System.Text.Encoding.UTF8, "application/json"));
        await AdminApi.ProblemAsync(bad, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_requests_usage_and_bodies_are_shown_to_who_may_read_its_key_and_every_read_is_audited()
    {
        var (self, member) = world.Actors["member"];
        var requestId = await world.FreshUsageAsync(userId: self);

        var first = await member.GetOkAsync($"/admin/usage/requests/{requestId}");
        await member.GetOkAsync($"/admin/usage/requests/{requestId}");

        Assert.Equal(requestId, first["usage"]!["requestId"]!.GetValue<Guid>());
        Assert.Equal(world.Metering.Records[requestId].KeyId, first["usage"]!.Text("keyId"));
        Assert.Null(first["usage"]!["bodies"]);
        Assert.Contains("key [redacted]", first["bodies"]!.Text("request"), StringComparison.Ordinal);
        Assert.Equal("{\"choices\":[]}", first["bodies"]!.Text("response"));
        Assert.NotNull(first["bodiesStoredAt"]);
        var asked = world.Metering.Asked.OfType<FindUsageRecord>().Last();
        Assert.Equal(requestId, asked.UsageRequestId);

        var reads = await AuditAsync("usage.request_read", requestId.ToString());
        Assert.Equal(2, reads.Count);
        Assert.All(reads, e => Assert.Equal($"user:{self}", e.Text("actor")));
        Assert.All(reads, e => Assert.True(e["after"]!["bodies"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task A_request_the_caller_may_not_read_is_404_like_one_metering_lacks_and_leaves_no_audit_entry()
    {
        var member = world.Actors["member"].Client;
        var othersRequest = await world.FreshUsageAsync(userId: world.OtherUser);

        using var hidden = await member.GetAsync($"/admin/usage/requests/{othersRequest}");
        using var missing = await member.GetAsync($"/admin/usage/requests/{Guid.NewGuid()}");
        using var malformed = await member.GetAsync("/admin/usage/requests/not-a-request");

        var hiddenProblem = await AdminApi.ProblemAsync(hidden, HttpStatusCode.NotFound);
        var missingProblem = await AdminApi.ProblemAsync(missing, HttpStatusCode.NotFound);
        await AdminApi.ProblemAsync(malformed, HttpStatusCode.NotFound);
        Assert.Equal((missingProblem.Text("title"), missingProblem.Text("detail")), (hiddenProblem.Text("title"), hiddenProblem.Text("detail")));
        Assert.Empty(await AuditAsync("usage.request_read", othersRequest.ToString()));
    }

    /// <summary>The audit entries of one operation on one object, oldest first, as the bootstrap admin reads them.</summary>
    private async Task<List<JsonObject>> AuditAsync(string operation, string objectId)
    {
        var page = await world.Root.GetOkAsync($"/admin/audit?operation={operation}&objectId={objectId}");
        return [.. page["items"]!.AsArray().Select(e => e!.AsObject())];
    }
}
