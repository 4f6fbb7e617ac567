using System.Net;
using System.Text.Json.Nodes;
using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Admin;

/// <summary>
/// The admin API as operators reach it: through the ingress (embedded: served in its process; distributed:
/// forwarded to policy over HTTP), with the bootstrap admin key every test mesh starts with.
/// </summary>
public abstract class AdminScenarios<TMesh>(TMesh mesh) : IClassFixture<TMesh>
    where TMesh : MeshFixture
{
    protected TMesh Mesh { get; } = mesh;

    [Fact]
    public async Task The_admin_api_answers_through_the_ingress_and_refuses_without_a_key_with_problem_details()
    {
        using var admin = Client(TestEnvironment.AdminKey);
        using var anonymous = Client(null);

        var users = await OkAsync(await admin.GetAsync("/admin/users?role=admin"));
        using var refused = await anonymous.GetAsync("/admin/users");
        using var clientKey = await Client(TestEnvironment.ClientKey).GetAsync("/admin/users");

        Assert.Contains(users["items"]!.AsArray(), u => u!["email"]!.GetValue<string>() == "admin");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, clientKey.StatusCode);
    }

    [Fact]
    public async Task A_key_made_through_the_admin_api_is_served_on_the_request_path()
    {
        using var admin = Client(TestEnvironment.AdminKey);
        var created = await OkAsync(await admin.PostAsJsonAsync("/admin/keys", new { owner = new { userId = await AdminUserAsync(admin) }, models = new[] { "gpt-4o-mini" } }));
        var secret = created["secret"]!.GetValue<string>();

        // Every policy replica learns of the key from the bus; wait until the one asked has (bounded, not timed).
        using var user = Client(secret);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        HttpResponseMessage models;
        while ((models = await user.GetAsync("/v1/models", deadline.Token)).StatusCode == HttpStatusCode.Unauthorized)
        {
            models.Dispose();
            await Task.Delay(200, deadline.Token);
        }

        using (models)
        {
            var listed = JsonNode.Parse(await models.Content.ReadAsStringAsync(deadline.Token))!["data"]!.AsArray();
            Assert.Equal(["gpt-4o-mini"], listed.Select(m => m!["id"]!.GetValue<string>()));
        }

        var completion = await Mesh.Client(secret).GetChatClient("gpt-4o-mini").CompleteChatAsync([new OpenAI.Chat.UserChatMessage("echo: admin-made")]);
        Assert.Equal("admin-made", completion.Value.Content[0].Text);
    }

    [Fact]
    public async Task A_client_cannot_name_its_own_address_in_x_forwarded_for()
    {
        using var admin = Client(TestEnvironment.AdminKey);
        var owner = await AdminUserAsync(admin);
        var elsewhere = await OkAsync(await admin.PostAsJsonAsync("/admin/keys", new { owner = new { userId = owner }, models = new[] { "*" }, ipAllowlist = new[] { "203.0.113.0/24" } }));
        var local = await OkAsync(await admin.PostAsJsonAsync("/admin/keys", new { owner = new { userId = owner }, models = new[] { "*" }, ipAllowlist = new[] { "127.0.0.0/8" } }));

        using var spoofing = Client(elsewhere["secret"]!.GetValue<string>());
        spoofing.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.9");
        using var honest = Client(local["secret"]!.GetValue<string>());
        honest.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.9");

        using var refused = await spoofing.GetAsync("/admin/users");
        await OkAsync(await honest.GetAsync("/admin/users"));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_is_served_through_the_ingress_and_lists_only_admin_routes()
    {
        using var anonymous = Client(null);

        var paths = JsonNode.Parse(await anonymous.GetStringAsync("/admin/openapi.json"))!["paths"]!.AsObject();

        Assert.Contains("/admin/keys/{id}/rotate", paths.Select(p => p.Key));
        Assert.Contains("/admin/users/{id}/role", paths.Select(p => p.Key));
        Assert.All(paths, p => Assert.StartsWith("/admin/", p.Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Usage_answers_per_key_team_and_model_scoped_to_the_caller_and_the_csv_export_adds_up()
    {
        using var admin = Client(TestEnvironment.AdminKey);
        var org = (await OkAsync(await admin.PostAsJsonAsync("/admin/organizations", new { name = $"usage-{Guid.NewGuid():N}" })))["id"]!.GetValue<Guid>();
        var other = (await OkAsync(await admin.PostAsJsonAsync("/admin/organizations", new { name = $"usage-other-{Guid.NewGuid():N}" })))["id"]!.GetValue<Guid>();
        var teams = new List<Guid>();
        var secrets = new List<string>();
        var keyIds = new List<Guid>();
        foreach (var name in new[] { "red", "blue" })
        {
            var team = (await OkAsync(await admin.PostAsJsonAsync("/admin/teams", new { organizationId = org, name })))["id"]!.GetValue<Guid>();
            teams.Add(team);
            var (secret, id) = await KeyAsync(admin, new { teamId = team });
            secrets.Add(secret);
            keyIds.Add(id);
        }

        // Usage names a stored key by its id.
        var prefixes = keyIds.Select(id => id.ToString()).ToList();
        var otherAdmin = await OkAsync(await admin.PostAsJsonAsync("/admin/users", new { organizationId = other, email = $"oa-{Guid.NewGuid():N}@example.com", role = "org_admin" }));
        var (otherSecret, _) = await KeyAsync(admin, new { userId = otherAdmin["id"]!.GetValue<Guid>() });

        // Three requests under red's key, two under blue's, through the official SDK; what each answered is the truth.
        var sent = new List<(int Key, long Input, long Output, decimal Cost)>();
        foreach (var key in new[] { 0, 0, 1, 0, 1 })
        {
            await ServedAsync(secrets[key]);
            var result = await Mesh.Client(secrets[key]).GetChatClient("gpt-4o-mini").CompleteChatAsync([new OpenAI.Chat.UserChatMessage($"echo: usage {key}")]);
            var cost = result.GetRawResponse().Headers.TryGetValue("x-aimesh-cost", out var header) ? decimal.Parse(header!.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : 0m;
            sent.Add((key, result.Value.Usage.InputTokenCount, result.Value.Usage.OutputTokenCount, cost));
        }

        // Usage is recorded after each answer: wait (bounded) until metering has all five, then check every number.
        var query = $"/admin/usage?dimension=key&value={Uri.EscapeDataString(prefixes[0])}&value={Uri.EscapeDataString(prefixes[1])}&groupBy=total";
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        JsonArray rows;
        while ((rows = (await OkAsync(await admin.GetAsync(query, deadline.Token)))["items"]!.AsArray()).Sum(r => r!["requests"]!.GetValue<long>()) < sent.Count)
        {
            await Task.Delay(200, deadline.Token);
        }

        for (var key = 0; key < 2; key++)
        {
            var mine = sent.Where(s => s.Key == key).ToList();
            var row = Assert.Single(rows, r => r!["value"]!.GetValue<string>() == prefixes[key])!;
            Assert.Equal(mine.Count, row["requests"]!.GetValue<long>());
            Assert.Equal(0, row["errors"]!.GetValue<long>());
            Assert.Equal(mine.Sum(s => s.Input), row["inputTokens"]!.GetValue<long>());
            Assert.Equal(mine.Sum(s => s.Output), row["outputTokens"]!.GetValue<long>());
            Assert.Equal(mine.Sum(s => s.Cost), row["cost"]!.GetValue<decimal>());
            Assert.Equal("USD", row["currency"]!.GetValue<string>());

            // How long the mock took is not known here; the estimate lies within the histogram's finite buckets.
            Assert.InRange(row["latencyP50Ms"]!.GetValue<double>(), 0, 102_400);
        }

        var byTeam = (await OkAsync(await admin.GetAsync($"/admin/usage?dimension=team&value={teams[0]}&value={teams[1]}&groupBy=day")))["items"]!.AsArray();
        Assert.Equal([3L, 2L], teams.Select(t => byTeam.Where(r => r!["value"]!.GetValue<string>() == t.ToString()).Sum(r => r!["requests"]!.GetValue<long>())));
        var byModel = (await OkAsync(await admin.GetAsync("/admin/usage?dimension=model&value=gpt-4o-mini&groupBy=total")))["items"]!.AsArray();
        Assert.True(byModel.Sum(r => r!["requests"]!.GetValue<long>()) >= sent.Count, "the model's rows count at least this test's requests");

        // An org_admin of another organization sees none of it: an empty answer, not 404; by model it may not ask.
        using var outsider = Client(otherSecret);
        await ServedAsync(otherSecret);
        Assert.Empty((await OkAsync(await outsider.GetAsync(query)))["items"]!.AsArray());
        Assert.Empty((await OkAsync(await outsider.GetAsync($"/admin/usage?dimension=team&value={teams[0]}")))["items"]!.AsArray());
        using (var byModelRefused = await outsider.GetAsync("/admin/usage?dimension=model"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, byModelRefused.StatusCode);
        }

        using (var exportRefused = await outsider.GetAsync($"/admin/usage/export?team={teams[0]}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, exportRefused.StatusCode);
        }

        // The chargeback CSV of red parses back to red's totals.
        var csv = await admin.GetStringAsync($"/admin/usage/export?team={teams[0]}&format=csv");
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("day,team,key,currency,requests,input_tokens,output_tokens,cached_tokens,reasoning_tokens,cost,price_table_versions", lines[0]);
        var cells = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.All(cells, c => Assert.Equal((teams[0].ToString(), prefixes[0]), (c[1], c[2])));
        var red = sent.Where(s => s.Key == 0).ToList();
        Assert.Equal(red.Count, cells.Sum(c => long.Parse(c[4], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(red.Sum(s => s.Input), cells.Sum(c => long.Parse(c[5], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(red.Sum(s => s.Cost), cells.Sum(c => decimal.Parse(c[9], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Usage_by_org_sums_every_key_of_the_organization_and_its_export_names_each_lines_team()
    {
        using var admin = Client(TestEnvironment.AdminKey);
        var org = (await OkAsync(await admin.PostAsJsonAsync("/admin/organizations", new { name = $"org-usage-{Guid.NewGuid():N}" })))["id"]!.GetValue<Guid>();
        var team = (await OkAsync(await admin.PostAsJsonAsync("/admin/teams", new { organizationId = org, name = "green" })))["id"]!.GetValue<Guid>();
        var user = (await OkAsync(await admin.PostAsJsonAsync("/admin/users", new { organizationId = org, email = $"m-{Guid.NewGuid():N}@example.com", role = "member" })))["id"]!.GetValue<Guid>();

        // A team's key and a user's key (no team): the organization's usage is both.
        var (teamSecret, teamKey) = await KeyAsync(admin, new { teamId = team });
        var (userSecret, userKey) = await KeyAsync(admin, new { userId = user });
        var sent = new List<(string Key, string? Team, long Input, long Output, decimal Cost)>();
        foreach (var (secret, key, owner) in new[] { (teamSecret, teamKey, (Guid?)team), (userSecret, userKey, null), (teamSecret, teamKey, team) })
        {
            await ServedAsync(secret);
            var result = await Mesh.Client(secret).GetChatClient("gpt-4o-mini").CompleteChatAsync([new OpenAI.Chat.UserChatMessage("echo: usage by org")]);
            var cost = result.GetRawResponse().Headers.TryGetValue("x-aimesh-cost", out var header) ? decimal.Parse(header!.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : 0m;
            sent.Add((key.ToString(), owner?.ToString(), result.Value.Usage.InputTokenCount, result.Value.Usage.OutputTokenCount, cost));
        }

        // Usage is recorded after each answer: wait (bounded) until metering has all three under the organization.
        var query = $"/admin/usage?dimension=org&value={org}&groupBy=total";
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        JsonArray rows;
        while ((rows = (await OkAsync(await admin.GetAsync(query, deadline.Token)))["items"]!.AsArray()).Sum(r => r!["requests"]!.GetValue<long>()) < sent.Count)
        {
            await Task.Delay(200, deadline.Token);
        }

        var row = Assert.Single(rows)!;
        Assert.Equal(org.ToString(), row["value"]!.GetValue<string>());
        Assert.Equal(sent.Count, row["requests"]!.GetValue<long>());
        Assert.Equal(sent.Sum(s => s.Input), row["inputTokens"]!.GetValue<long>());
        Assert.Equal(sent.Sum(s => s.Output), row["outputTokens"]!.GetValue<long>());
        Assert.Equal(sent.Sum(s => s.Cost), row["cost"]!.GetValue<decimal>());
        Assert.True(sent.Sum(s => s.Cost) > 0, "the mock's model is priced, so the organization's cost is not zero");

        // The organization's chargeback export: one line per day, team and key, the user's key without a team.
        var csv = await admin.GetStringAsync($"/admin/usage/export?org={org}&format=csv");
        var cells = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        foreach (var key in sent.Select(s => s.Key).Distinct())
        {
            var mine = sent.Where(s => s.Key == key).ToList();
            var lines = cells.Where(c => c[2] == key).ToList();
            Assert.All(lines, c => Assert.Equal(mine[0].Team ?? "", c[1]));
            Assert.Equal(mine.Count, lines.Sum(c => long.Parse(c[4], System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(mine.Sum(s => s.Cost), lines.Sum(c => decimal.Parse(c[9], System.Globalization.CultureInfo.InvariantCulture)));
        }

        Assert.Equal(sent.Count, cells.Sum(c => long.Parse(c[4], System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>A new key for the owner: its secret and its id.</summary>
    [Fact]
    public async Task Admin_deployments_shows_each_deployment_with_its_circuit_and_the_calls_the_routers_counted()
    {
        using var admin = Client(TestEnvironment.AdminKey);
        await Mesh.Client(TestEnvironment.ClientKey).GetChatClient("gpt-4o-mini").CompleteChatAsync([new OpenAI.Chat.UserChatMessage("echo: counted")]);

        // Any router replica answers, merging its peers' reports (at most Router:Health:ShareInterval old): bounded wait.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JsonObject listed;
        JsonObject? served;
        do
        {
            listed = await OkAsync(await admin.GetAsync("/admin/deployments", deadline.Token));
            served = listed["deployments"]!.AsArray().Select(d => d!.AsObject())
                .FirstOrDefault(d => d["model"]!.GetValue<string>() == "gpt-4o-mini" && d["calls"]!.GetValue<int>() > 0);
        }
        while (served is null && await Task.Delay(200, deadline.Token).ContinueWith(_ => true, TaskScheduler.Default));

        Assert.NotNull(served);
        Assert.Equal("closed", served["circuit"]!.GetValue<string>());
        Assert.Equal(0, served["failures"]!.GetValue<int>());
        Assert.True(listed["replicas"]!.GetValue<int>() >= 1);
        using var clientKey = await Client(TestEnvironment.ClientKey).GetAsync("/admin/deployments");
        Assert.Equal(HttpStatusCode.Forbidden, clientKey.StatusCode);
    }

    private static async Task<(string Secret, Guid Id)> KeyAsync(HttpClient admin, object owner)
    {
        var created = await OkAsync(await admin.PostAsJsonAsync("/admin/keys", new { owner, models = new[] { "gpt-4o-mini" } }));
        return (created["secret"]!.GetValue<string>(), created["key"]!["id"]!.GetValue<Guid>());
    }

    private Task ServedAsync(string secret) => AdminCalls.ServedAsync(Mesh.Ingress, secret);

    private HttpClient Client(string? key) => AdminCalls.Client(Mesh.Ingress, key);

    private static Task<Guid> AdminUserAsync(HttpClient admin) => AdminCalls.AdminUserAsync(admin);

    private static Task<JsonObject> OkAsync(HttpResponseMessage response) => AdminCalls.OkAsync(response);
}
