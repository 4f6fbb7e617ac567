using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Policy.Tests.Admin;

/// <summary>
/// Data residency and routing tags through the admin API (issue 6): a key's <c>regions</c>, a team's <c>tags</c> and
/// <c>regions</c>, each change audited with its before and after and applied to the replica's decisions at once, and
/// the RBAC rule that an actor limited to regions cannot give a key or team more (the models ⊆ creator's rule, for regions).
/// </summary>
public sealed class ResidencyAdminTests(RbacWorld world) : IClassFixture<RbacWorld>
{
    [Fact]
    public async Task A_keys_regions_are_set_and_changed_audited_and_decided_at_once()
    {
        var (self, member) = world.Actors["member"];
        var created = await member.PostOkAsync("/admin/keys", new { owner = new { userId = self }, models = new[] { "gpt-4o" }, regions = new[] { " EU ", "eu" } });
        var keyId = created["key"]!.AsObject().Id();
        var hash = KeyRing.HashOf(created.Text("secret"));
        var keys = world.Services.GetRequiredService<StoredKeys>();
        Assert.Equal(["eu"], Strings(created["key"]!["regions"]));

        // A key its user owns belongs to no team: its own regions are the whole restriction.
        Assert.Equal(["eu"], keys.Find(hash)!.Regions);

        var changed = await AdminApi.OkAsync(await member.PatchAsJsonAsync($"/admin/keys/{keyId}", new { regions = new[] { "us", "eu" } }));
        Assert.Equal(["eu", "us"], Strings(changed["regions"]));
        Assert.Equal(["eu", "us"], keys.Find(hash)!.Regions);

        var lifted = await AdminApi.OkAsync(await member.PatchAsJsonAsync($"/admin/keys/{keyId}", new { regions = Array.Empty<string>() }));
        Assert.Empty(Strings(lifted["regions"]));
        Assert.Null(keys.Find(hash)!.Regions);

        var entries = await AuditAsync("key.update", keyId.ToString());
        Assert.Equal(2, entries.Count);
        Assert.Equal(["eu"], Strings(entries[0]["before"]!["regions"]));
        Assert.Equal(["eu", "us"], Strings(entries[0]["after"]!["regions"]));
        Assert.Equal(["eu", "us"], Strings(entries[1]["before"]!["regions"]));
        Assert.Empty(Strings(entries[1]["after"]!["regions"]));
    }

    [Fact]
    public async Task A_teams_tags_and_regions_reach_every_key_of_the_team_and_no_other_and_are_audited()
    {
        var orgAdmin = world.Actors["org_admin"].Client;
        var teamId = (await orgAdmin.PostOkAsync("/admin/teams", new { organizationId = world.OrgA, name = $"eu-{Guid.NewGuid():N}" })).Id();
        var account = (await world.Root.PostOkAsync("/admin/service-accounts", new { teamId, name = "sa" })).Id();
        var teamKey = KeyRing.HashOf((await world.Root.PostOkAsync("/admin/keys", new { owner = new { teamId }, models = new[] { "gpt-4o" }, regions = new[] { "eu", "ap" } })).Text("secret"));
        var accountKey = KeyRing.HashOf((await world.Root.PostOkAsync("/admin/keys", new { owner = new { serviceAccountId = account }, models = new[] { "gpt-4o" } })).Text("secret"));
        var otherTeamsKey = KeyRing.HashOf((await world.Root.PostOkAsync("/admin/keys", new { owner = new { teamId = world.T2 }, models = new[] { "gpt-4o" } })).Text("secret"));
        var keys = world.Services.GetRequiredService<StoredKeys>();

        var updated = await AdminApi.OkAsync(await orgAdmin.PatchAsJsonAsync($"/admin/teams/{teamId}", new { tags = new { dept = "research" }, regions = new[] { "eu", "us" } }));

        Assert.Equal("research", updated["tags"]!["dept"]!.GetValue<string>());
        Assert.Equal(["eu", "us"], Strings((await orgAdmin.GetOkAsync($"/admin/teams/{teamId}"))["regions"]));
        Assert.Equal(["eu"], keys.Find(teamKey)!.Regions);
        Assert.Equal(["eu", "us"], keys.Find(accountKey)!.Regions);
        Assert.Equal("research", keys.Find(accountKey)!.TeamTags!["dept"]);
        Assert.Null(keys.Find(otherTeamsKey)!.Regions);
        Assert.Null(keys.Find(otherTeamsKey)!.TeamTags);

        // Only a body that changes something is a change: the same settings again write no second entry.
        await AdminApi.OkAsync(await orgAdmin.PatchAsJsonAsync($"/admin/teams/{teamId}", new { regions = new[] { "us", "eu" } }));
        var entries = await AuditAsync("team.update", teamId.ToString());
        var entry = Assert.Single(entries);
        Assert.Empty(Strings(entry["before"]!["regions"]));
        Assert.Equal(["eu", "us"], Strings(entry["after"]!["regions"]));
        Assert.Equal("research", entry["after"]!["tags"]!["dept"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_actor_limited_to_regions_cannot_give_a_key_or_team_more_than_its_own()
    {
        var (user, secret, _) = await world.Root.UserWithKeyAsync(world.OrgA, "org_admin", RbacWorld.ActorModels);
        var own = (await world.Root.GetOkAsync($"/admin/keys?ownerUserId={user}"))["items"]![0]!.AsObject().Id();
        await AdminApi.OkAsync(await world.Root.PatchAsJsonAsync($"/admin/keys/{own}", new { regions = new[] { "eu" } }));
        var regional = world.ClientFor(secret);

        var within = await regional.PostOkAsync("/admin/keys", new { owner = new { userId = user }, models = new[] { "gpt-4o" }, regions = new[] { "EU" } });
        using var unrestricted = await regional.PostAsJsonAsync("/admin/keys", new { owner = new { userId = user }, models = new[] { "gpt-4o" } });
        using var wider = await regional.PostAsJsonAsync("/admin/keys", new { owner = new { userId = user }, models = new[] { "gpt-4o" }, regions = new[] { "eu", "us" } });
        using var widened = await regional.PatchAsJsonAsync($"/admin/keys/{within["key"]!.AsObject().Id()}", new { regions = new[] { "us" } });
        using var lifted = await regional.PatchAsJsonAsync($"/admin/keys/{within["key"]!.AsObject().Id()}", new { regions = Array.Empty<string>() });
        using var team = await regional.PatchAsJsonAsync($"/admin/teams/{world.T2}", new { regions = new[] { "us" } });

        Assert.Equal(["eu"], Strings(within["key"]!["regions"]));
        foreach (var refused in new[] { unrestricted, wider, widened, lifted, team })
        {
            var problem = await AdminApi.ProblemAsync(refused, HttpStatusCode.Forbidden);
            Assert.Contains("regions", problem.Text("detail"), StringComparison.Ordinal);
        }

        Assert.Equal(["eu"], Strings((await world.Root.GetOkAsync($"/admin/keys/{within["key"]!.AsObject().Id()}"))["regions"]));
        Assert.Empty(Strings((await world.Root.GetOkAsync($"/admin/teams/{world.T2}"))["regions"]));

        // Within its own, the team change is allowed; an actor without regions (the bootstrap admin) may give any.
        await AdminApi.OkAsync(await regional.PatchAsJsonAsync($"/admin/teams/{world.T2}", new { regions = new[] { "eu" } }));
        await AdminApi.OkAsync(await world.Root.PatchAsJsonAsync($"/admin/teams/{world.T2}", new { regions = Array.Empty<string>() }));
    }

    [Fact]
    public async Task A_blank_region_or_tag_is_a_field_error()
    {
        var (self, member) = world.Actors["member"];
        using var key = await member.PostAsJsonAsync("/admin/keys", new { owner = new { userId = self }, models = new[] { "gpt-4o" }, regions = new[] { "eu", " " } });
        using var team = await world.Root.PatchAsJsonAsync($"/admin/teams/{world.T1}", new { tags = new Dictionary<string, string> { [""] = "x" } });

        var keyProblem = await AdminApi.ProblemAsync(key, HttpStatusCode.BadRequest);
        await AdminApi.ProblemAsync(team, HttpStatusCode.BadRequest);
        Assert.NotNull(keyProblem["errors"]!["regions[1]"]);
    }

    private static List<string> Strings(JsonNode? node) => [.. node!.AsArray().Select(n => n!.GetValue<string>())];

    private async Task<List<JsonObject>> AuditAsync(string operation, string objectId)
    {
        var page = await world.Root.GetOkAsync($"/admin/audit?operation={operation}&objectId={objectId}");
        return [.. page["items"]!.AsArray().Select(e => e!.AsObject())];
    }
}
