using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Metering;
using AiMesh.Policy.Tests.Support;

namespace AiMesh.Policy.Tests.Admin;

/// <summary>
/// <c>/admin/usage/shadow</c> and <c>/admin/usage/shadow/results</c> against metering's read side stubbed on the bus: the
/// scope policy asks for is forced from the caller's usage reach (organization, teams, keys), never taken from the query;
/// bad parameters are validation problems that never reach metering; metering's refusal is a 400 and its silence a 503.
/// </summary>
public sealed class ShadowUsageEndpointTests(RbacWorld world) : IClassFixture<RbacWorld>
{
    [Fact]
    public async Task An_admin_is_asked_for_every_organization_with_its_filters_and_pages_the_rows_by_cursor()
    {
        var admin = world.Actors["admin"].Client;

        var first = JsonNode.Parse(await admin.GetStringAsync("/admin/usage/shadow?model=gpt-4o&from=2026-11-01&to=2026-11-02T00:00:00Z&limit=2"))!;
        var asked = Assert.IsType<QueryShadowComparison>(world.Metering.Asked.Last());
        var second = JsonNode.Parse(await admin.GetStringAsync($"/admin/usage/shadow?model=gpt-4o&from=2026-11-01&to=2026-11-02T00:00:00Z&limit=2&cursor={first["nextCursor"]}"))!;

        Assert.Equal(("gpt-4o", (string?)null, (IReadOnlyList<string>?)null, (IReadOnlyList<string>?)null), (asked.Model, asked.OrganizationId, asked.TeamIds, asked.KeyIds));
        Assert.Equal((new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero)), (asked.From, asked.To));
        Assert.Equal(["cand-a", "cand-b", "cand-c"], first["items"]!.AsArray().Concat(second["items"]!.AsArray()).Select(r => r!["shadowModel"]!.GetValue<string>()));
        Assert.Null(second["nextCursor"]);
        var row = first["items"]![0]!;
        Assert.Equal((0.006m, 0.0016m, 0.7), (row["primaryCost"]!.GetValue<decimal>(), row["shadowCost"]!.GetValue<decimal>(), row["meanSimilarity"]!.GetValue<double>()));
    }

    [Fact]
    public async Task An_org_admin_and_a_viewer_are_asked_for_their_own_organization_only()
    {
        foreach (var role in new[] { "org_admin", "viewer" })
        {
            using var response = await world.Actors[role].Client.GetAsync($"/admin/usage/shadow?model=gpt-4o");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var asked = Assert.IsType<QueryShadowComparison>(world.Metering.Asked.Last());
            Assert.Equal((world.OrgA.ToString(), (IReadOnlyList<string>?)null, (IReadOnlyList<string>?)null), (asked.OrganizationId, asked.TeamIds, asked.KeyIds));
        }
    }

    [Fact]
    public async Task A_team_admin_is_asked_for_its_teams_and_their_keys_and_a_member_for_its_own_keys_only()
    {
        var (teamAdmin, teamAdminClient) = world.Actors["team_admin"];
        var (member, memberClient) = world.Actors["member"];
        var t1Key = (await world.FreshKeyAsync(teamId: world.T1)).ToString();
        var t2Key = (await world.FreshKeyAsync(teamId: world.T2)).ToString();
        var memberKey = (await world.FreshKeyAsync(userId: member)).ToString();
        var otherKey = (await world.FreshKeyAsync(userId: world.OtherUser)).ToString();
        var teamAdminKey = (await world.FreshKeyAsync(userId: teamAdmin)).ToString();

        await teamAdminClient.GetStringAsync("/admin/usage/shadow");
        var teamAsk = Assert.IsType<QueryShadowComparison>(world.Metering.Asked.Last());
        await memberClient.GetStringAsync("/admin/usage/shadow/results?model=gpt-4o&primary=gpt-4o&shadow=cand-a");
        var memberAsk = Assert.IsType<QueryShadowResults>(world.Metering.Asked.Last());

        Assert.Equal(world.OrgA.ToString(), teamAsk.OrganizationId);
        Assert.Equal([world.T1.ToString()], teamAsk.TeamIds);
        Assert.Contains(t1Key, teamAsk.KeyIds!);
        Assert.Contains(teamAdminKey, teamAsk.KeyIds!);
        Assert.DoesNotContain(t2Key, teamAsk.KeyIds!);
        Assert.DoesNotContain(otherKey, teamAsk.KeyIds!);

        Assert.Equal(world.OrgA.ToString(), memberAsk.OrganizationId);
        Assert.Empty(memberAsk.TeamIds!);
        Assert.Contains(memberKey, memberAsk.KeyIds!);
        Assert.DoesNotContain(t1Key, memberAsk.KeyIds!);
        Assert.DoesNotContain(otherKey, memberAsk.KeyIds!);
    }

    [Fact]
    public async Task One_comparisons_results_are_asked_by_model_primary_and_shadow_and_paged_by_cursor()
    {
        var admin = world.Actors["admin"].Client;

        var first = JsonNode.Parse(await admin.GetStringAsync("/admin/usage/shadow/results?model=gpt-4o&primary=gpt-4o-mini&shadow=cand-a&limit=1"))!;
        var firstAsk = Assert.IsType<QueryShadowResults>(world.Metering.Asked.Last());
        var second = JsonNode.Parse(await admin.GetStringAsync($"/admin/usage/shadow/results?model=gpt-4o&primary=gpt-4o-mini&shadow=cand-a&limit=1&cursor={first["nextCursor"]}"))!;
        var secondAsk = Assert.IsType<QueryShadowResults>(world.Metering.Asked.Last());

        Assert.Equal(("gpt-4o", "gpt-4o-mini", "cand-a", 0, 1), (firstAsk.ModelRequested, firstAsk.PrimaryModel, firstAsk.ShadowModel, firstAsk.Offset, firstAsk.Limit));
        Assert.Equal(1, secondAsk.Offset);
        Assert.Equal("cand-a", first["items"]![0]!["shadowModel"]!.GetValue<string>());
        Assert.NotNull(first["nextCursor"]);
        Assert.Null(second["nextCursor"]);
    }

    [Fact]
    public async Task Bad_parameters_are_validation_problems_that_never_reach_metering_and_its_refusal_is_a_400()
    {
        var admin = world.Actors["admin"].Client;
        var before = world.Metering.Asked.Count;
        var bad = new[]
        {
            "/admin/usage/shadow?from=yesterday", "/admin/usage/shadow?from=2026-11-02&to=2026-11-01", "/admin/usage/shadow?limit=0", "/admin/usage/shadow?limit=1001",
            "/admin/usage/shadow?cursor=nope", $"/admin/usage/shadow?model={new string('m', 201)}", "/admin/usage/shadow?model=",
            "/admin/usage/shadow/results?model=gpt-4o&primary=gpt-4o", "/admin/usage/shadow/results?primary=gpt-4o&shadow=c",
        };
        foreach (var path in bad)
        {
            using var response = await admin.GetAsync(path);

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(before, world.Metering.Asked.Count);
        using var refused = await admin.GetAsync($"/admin/usage/shadow?model={MeteringStub.BrokenModel}");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("metering cannot answer this.", problem!["errors"]!["query"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_metering_answering_the_comparison_and_the_results_are_503_problem_details()
    {
        await using var lone = await AdminHost.StartAsync();
        using var admin = lone.Client();

        foreach (var path in new[] { "/admin/usage/shadow", "/admin/usage/shadow/results?model=a&primary=a&shadow=b" })
        {
            using var response = await admin.GetAsync(path);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }
}
