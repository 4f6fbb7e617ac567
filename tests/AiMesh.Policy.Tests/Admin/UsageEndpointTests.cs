using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Metering;
using AiMesh.Policy.Tests.Support;

namespace AiMesh.Policy.Tests.Admin;

/// <summary>
/// <c>/admin/usage</c> and its export against metering's read side stubbed on the bus: what policy asks metering is
/// forced from the caller's scope, never taken from the query; metering's silence is 503; the CSV is RFC 4180 and
/// defused.
/// </summary>
public sealed class UsageEndpointTests(RbacWorld world) : IClassFixture<RbacWorld>
{
    [Fact]
    public async Task An_org_admin_asking_for_another_tenants_key_is_asked_for_and_shown_only_its_own()
    {
        var (_, _, keyB) = await world.Root.UserWithKeyAsync(world.OrgB, "member", ["gpt-4o"]);
        var (_, _, keyA) = await world.Root.UserWithKeyAsync(world.OrgA, "member", ["gpt-4o"]);
        var (keyValueA, keyValueB) = (keyA.ToString(), keyB.ToString());
        var client = world.Actors["org_admin"].Client;

        var page = JsonNode.Parse(await client.GetStringAsync($"/admin/usage?dimension=key&value={keyValueB}&value={keyValueA}&groupBy=total"))!;

        var asked = Assert.IsType<QueryUsage>(world.Metering.Asked.Last());
        Assert.Equal(("key", "total"), (asked.Dimension, asked.GroupBy));
        Assert.Equal([keyValueA], asked.Values);
        Assert.Equal(asked.Values, page["items"]!.AsArray().Select(r => r!["value"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_org_admin_of_another_organization_asking_for_every_team_gets_none_of_A()
    {
        var (_, secret, _) = await world.Root.UserWithKeyAsync(world.OrgB, "org_admin", ["gpt-4o"]);
        using var client = new HttpClient { BaseAddress = world.Root.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", secret);

        var page = JsonNode.Parse(await client.GetStringAsync($"/admin/usage?dimension=team&value={world.T1}&value={world.T2}"))!;

        Assert.Empty(page["items"]!.AsArray());
        var asked = Assert.IsType<QueryUsage>(world.Metering.Asked.Last());
        Assert.Empty(asked.Values!);
        var all = JsonNode.Parse(await client.GetStringAsync("/admin/usage?dimension=team"))!;
        Assert.Equal([world.TeamB.ToString()], all["items"]!.AsArray().Select(r => r!["value"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_member_is_asked_for_its_own_keys_and_itself_only_and_an_admin_for_what_it_names()
    {
        var (self, client) = world.Actors["member"];
        await client.GetStringAsync("/admin/usage?dimension=user&value=user:someone-else");
        Assert.Empty(Assert.IsType<QueryUsage>(world.Metering.Asked.Last()).Values!);
        await client.GetStringAsync("/admin/usage?dimension=user");
        Assert.Equal([$"user:{self}"], Assert.IsType<QueryUsage>(world.Metering.Asked.Last()).Values!);

        await world.Actors["admin"].Client.GetStringAsync("/admin/usage?dimension=model&value=gpt-4o&from=2026-11-01&to=2026-11-02T00:00:00Z&groupBy=hour");
        var asked = Assert.IsType<QueryUsage>(world.Metering.Asked.Last());
        Assert.Equal(["gpt-4o"], asked.Values);
        Assert.Equal("hour", asked.GroupBy);
        Assert.Equal((new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero)), (asked.From, asked.To));
        await world.Actors["admin"].Client.GetStringAsync("/admin/usage?dimension=model");
        Assert.Null(Assert.IsType<QueryUsage>(world.Metering.Asked.Last()).Values);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_and_bad_parameters_are_validation_problems()
    {
        var admin = world.Actors["admin"].Client;
        var values = string.Join('&', Enumerable.Range(0, 5).Select(i => $"value=k{i}"));
        var first = JsonNode.Parse(await admin.GetStringAsync($"/admin/usage?{values}&limit=3"))!;
        var second = JsonNode.Parse(await admin.GetStringAsync($"/admin/usage?{values}&limit=3&cursor={first["nextCursor"]}"))!;

        Assert.Equal(["k0", "k1", "k2", "k3", "k4"], first["items"]!.AsArray().Concat(second["items"]!.AsArray()).Select(r => r!["value"]!.GetValue<string>()));
        Assert.Null(second["nextCursor"]);
        foreach (var bad in new[] { "dimension=organization", "groupBy=week", "from=yesterday", "from=2026-11-02&to=2026-11-01", "limit=0", "cursor=nope" })
        {
            using var response = await admin.GetAsync($"/admin/usage?{bad}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task The_csv_export_has_a_header_quotes_as_rfc_4180_and_defuses_formulas()
    {
        using var response = await world.Actors["org_admin"].Client.GetAsync($"/admin/usage/export?team={world.T1}&from=2026-11-23&to=2026-11-24");
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var export = Assert.IsType<ExportUsage>(world.Metering.Asked.Last());
        Assert.Equal(world.T1.ToString(), export.TeamId);
        Assert.Equal(
            "day,team,key,currency,requests,input_tokens,output_tokens,cached_tokens,reasoning_tokens,cost,price_table_versions\r\n" +
            $"2026-11-23,{world.T1},\"'=HYPERLINK(\"\"x\"\")\",USD,2,100,50,0,0,0.000123456789,v1;v2\r\n" +
            $"2026-11-23,{world.T1},\"key,\"\"quoted\"\"\",,1,7,3,0,0,0,\r\n",
            csv);
        var json = await world.Actors["org_admin"].Client.GetFromJsonAsync<List<UsageExportLine>>($"/admin/usage/export?team={world.T1}&format=json", AdminApi.Web);
        Assert.Equal(0.000123456789m, json![0].Cost);
    }

    [Fact]
    public async Task By_org_an_org_admin_and_a_viewer_are_asked_for_their_own_organization_only_and_an_admin_for_what_it_names()
    {
        foreach (var role in new[] { "org_admin", "viewer" })
        {
            var client = world.Actors[role].Client;
            await client.GetStringAsync($"/admin/usage?dimension=org&value={world.OrgB}&value={world.OrgA}&groupBy=total");
            var asked = Assert.IsType<QueryUsage>(world.Metering.Asked.Last());
            Assert.Equal(("org", "total"), (asked.Dimension, asked.GroupBy));
            Assert.Equal([world.OrgA.ToString()], asked.Values);
            var page = JsonNode.Parse(await client.GetStringAsync("/admin/usage?dimension=org"))!;
            Assert.Equal([world.OrgA.ToString()], page["items"]!.AsArray().Select(r => r!["value"]!.GetValue<string>()));
        }

        await world.Actors["admin"].Client.GetStringAsync($"/admin/usage?dimension=org&value={world.OrgB}");
        Assert.Equal([world.OrgB.ToString()], Assert.IsType<QueryUsage>(world.Metering.Asked.Last()).Values);
    }

    [Fact]
    public async Task By_org_a_team_admin_and_a_member_are_refused_because_an_organization_sums_other_teams()
    {
        foreach (var role in new[] { "team_admin", "member" })
        {
            var before = world.Metering.Asked.Count;
            using var response = await world.Actors[role].Client.GetAsync($"/admin/usage?dimension=org&value={world.OrgA}");

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(before, world.Metering.Asked.Count);
        }
    }

    [Fact]
    public async Task An_organization_export_asks_metering_for_the_organization_and_names_each_lines_team()
    {
        using var response = await world.Actors["viewer"].Client.GetAsync($"/admin/usage/export?org={world.OrgA}&from=2026-11-23&to=2026-11-24");
        var csv = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode, csv);
        var export = Assert.IsType<ExportUsage>(world.Metering.Asked.Last());
        Assert.Equal((world.OrgA.ToString(), ""), (export.OrganizationId, export.TeamId));
        Assert.Equal(
            "day,team,key,currency,requests,input_tokens,output_tokens,cached_tokens,reasoning_tokens,cost,price_table_versions\r\n" +
            "2026-11-23,team-from-metering,\"'=HYPERLINK(\"\"x\"\")\",USD,2,100,50,0,0,0.000123456789,v1;v2\r\n" +
            "2026-11-23,,\"key,\"\"quoted\"\"\",,1,7,3,0,0,0,\r\n",
            csv);
        var json = await world.Actors["admin"].Client.GetFromJsonAsync<List<UsageExportLine>>($"/admin/usage/export?org={world.OrgA}&format=json", AdminApi.Web);
        Assert.Equal(["team-from-metering", null], json!.Select(l => l.TeamId));
    }

    [Fact]
    public async Task An_organization_export_is_404_for_another_tenant_403_for_a_team_admin_and_needs_exactly_one_of_team_and_org()
    {
        var before = world.Metering.Asked.Count;
        using var elsewhere = await world.Actors["org_admin"].Client.GetAsync($"/admin/usage/export?org={world.OrgB}");
        using var missing = await world.Actors["admin"].Client.GetAsync($"/admin/usage/export?org={Guid.NewGuid()}");
        using var teamAdmin = await world.Actors["team_admin"].Client.GetAsync($"/admin/usage/export?org={world.OrgA}");
        using var both = await world.Actors["admin"].Client.GetAsync($"/admin/usage/export?org={world.OrgA}&team={world.T1}");
        using var neither = await world.Actors["admin"].Client.GetAsync("/admin/usage/export");
        using var malformed = await world.Actors["admin"].Client.GetAsync("/admin/usage/export?org=acme");

        Assert.Equal(
            [HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.Forbidden, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest],
            new[] { elsewhere, missing, teamAdmin, both, neither, malformed }.Select(r => r.StatusCode));
        Assert.Equal(before, world.Metering.Asked.Count);
    }

    [Fact]
    public async Task Without_metering_answering_usage_is_503_problem_details()
    {
        await using var lone = await AdminHost.StartAsync();
        using var admin = lone.Client();

        using var response = await admin.GetAsync("/admin/usage?dimension=model");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
