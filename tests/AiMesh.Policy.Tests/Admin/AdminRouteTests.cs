using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Tests.Support;

namespace AiMesh.Policy.Tests.Admin;

/// <summary>The admin routes as an operator uses them, on a real socket: every entity, pagination, filters and the problem answers.</summary>
public sealed class AdminRouteTests
{
    [Fact]
    public async Task An_admin_builds_a_tenant_and_manages_its_keys_through_the_api()
    {
        await using var host = await AdminHost.StartAsync();
        using var admin = host.Client();

        var org = await admin.PostOkAsync("/admin/organizations", new { name = "acme" });
        var team = await admin.PostOkAsync("/admin/teams", new { organizationId = org.Id(), name = "platform" });
        var ada = await admin.PostOkAsync("/admin/users", new { organizationId = org.Id(), email = "ada@acme.example", role = "member" });
        await AdminApi.OkAsync(await admin.PutAsync($"/admin/teams/{team.Id()}/members/{ada.Id()}", null));
        var account = await admin.PostOkAsync("/admin/service-accounts", new { teamId = team.Id(), name = "ci" });
        var group = await admin.PostOkAsync("/admin/access-groups", new { organizationId = org.Id(), name = "chat", models = new[] { "gpt-4o" } });
        var created = await admin.PostOkAsync("/admin/keys", new
        {
            owner = new { serviceAccountId = account.Id() },
            accessGroups = new[] { "chat" },
            tags = new Dictionary<string, string> { ["env"] = "prod" },
        });
        var keyId = created["key"]!.AsObject().Id();
        var secret = created.Text("secret");

        Assert.StartsWith("sk-aimesh-", secret, StringComparison.Ordinal);
        Assert.Equal("chat", group.Text("name"));
        Assert.Equal([team.Id()], (await admin.GetOkAsync($"/admin/users/{ada.Id()}/teams"))["items"]!.AsArray().Select(m => m!.AsObject().Id("teamId")));
        Assert.Equal([ada.Id()], (await admin.GetOkAsync($"/admin/teams/{team.Id()}/members"))["items"]!.AsArray().Select(m => m!.AsObject().Id("userId")));

        // The secret is shown once: never in a read, a list or anything after.
        var read = await admin.GetOkAsync($"/admin/keys/{keyId}");
        var listed = await admin.GetOkAsync($"/admin/keys?teamId={team.Id()}&tag=env=prod&status=enabled");
        Assert.DoesNotContain(secret, read.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(KeyRing.HashOf(secret), read.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal([keyId], listed["items"]!.AsArray().Select(k => k!.AsObject().Id()));
        Assert.Empty((await admin.GetOkAsync($"/admin/keys?teamId={team.Id()}&tag=env=dev"))["items"]!.AsArray());

        using var patch = await admin.PatchAsJsonAsync($"/admin/keys/{keyId}", new { models = new[] { "o1" }, tags = new Dictionary<string, string> { ["env"] = "dev" } });
        var patched = await AdminApi.OkAsync(patch);
        Assert.Equal(["o1"], patched["models"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal("disabled", (await AdminApi.OkAsync(await admin.PostAsync($"/admin/keys/{keyId}/disable", null))).Text("status"));
        Assert.Equal("enabled", (await AdminApi.OkAsync(await admin.PostAsync($"/admin/keys/{keyId}/enable", null))).Text("status"));
        var rotated = await admin.PostOkAsync($"/admin/keys/{keyId}/rotate", new { graceSeconds = 3600 });
        Assert.Equal(keyId, rotated["key"]!.AsObject().Id("rotatedFrom"));
        Assert.NotNull((await admin.GetOkAsync($"/admin/keys/{keyId}"))["expiresAt"]!.GetValue<DateTimeOffset?>());
        Assert.Equal("revoked", (await AdminApi.OkAsync(await admin.PostAsync($"/admin/keys/{keyId}/revoke", null))).Text("status"));
        Assert.Equal([keyId], (await admin.GetOkAsync($"/admin/keys?status=revoked"))["items"]!.AsArray().Select(k => k!.AsObject().Id()));

        using var role = await admin.PutAsJsonAsync($"/admin/users/{ada.Id()}/role", new { role = "team_admin" });
        Assert.Equal("team_admin", (await AdminApi.OkAsync(role)).Text("role"));
        using var removed = await admin.DeleteAsync($"/admin/teams/{team.Id()}/members/{ada.Id()}");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Empty((await admin.GetOkAsync($"/admin/teams/{team.Id()}/members"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Lists_come_in_pages_of_the_limit_asked_with_an_opaque_cursor_until_the_last()
    {
        await using var host = await AdminHost.StartAsync();
        using var admin = host.Client();
        var org = await admin.PostOkAsync("/admin/organizations", new { name = "paged" });
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await admin.PostOkAsync("/admin/users", new { organizationId = org.Id(), email = $"u{i}@paged.example", role = "viewer" })).Id());
        }

        var seen = new List<Guid>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await admin.GetOkAsync($"/admin/users?organizationId={org.Id()}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page["items"]!.AsArray().Select(u => u!.AsObject().Id()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(ids.Order(), seen.Order());
        Assert.Equal(5, seen.Distinct().Count());
    }

    [Fact]
    public async Task Bad_input_is_a_validation_problem_by_field_and_unknown_objects_are_404()
    {
        await using var host = await AdminHost.StartAsync();
        using var admin = host.Client();

        var paging = await AdminApi.ProblemAsync(await admin.GetAsync("/admin/keys?limit=201&cursor=nope&status=gone&ownerUserId=x"), HttpStatusCode.BadRequest);
        var key = await AdminApi.ProblemAsync(
            await admin.PostAsJsonAsync("/admin/keys", new { owner = new { userId = Guid.NewGuid(), teamId = Guid.NewGuid() }, models = new[] { "" }, ipAllowlist = new[] { "300.0.0.1" } }),
            HttpStatusCode.BadRequest);
        var user = await AdminApi.ProblemAsync(await admin.PostAsJsonAsync("/admin/users", new { email = "", role = "root" }), HttpStatusCode.BadRequest);
        var json = await AdminApi.ProblemAsync(
            await admin.PostAsync("/admin/teams", new StringContent("{\"name\": [1,", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        var type = await AdminApi.ProblemAsync(await admin.PostAsJsonAsync("/admin/keys", new { owner = new { userId = Guid.NewGuid() }, models = 5 }), HttpStatusCode.BadRequest);

        Assert.Equal(["cursor", "limit", "ownerUserId"], Fields(paging));
        Assert.Equal(["ipAllowlist[0]", "models[0]", "owner"], Fields(key));
        Assert.Equal(["email", "role"], Fields(user));
        Assert.Single(Fields(json));
        Assert.Equal(["models"], Fields(type));

        foreach (var path in new[] { "/admin/keys/" + Guid.NewGuid(), "/admin/keys/not-an-id", "/admin/users/" + Guid.NewGuid(), "/admin/teams/" + Guid.NewGuid(), "/admin/organizations/" + Guid.NewGuid(), "/admin/service-accounts/" + Guid.NewGuid(), "/admin/access-groups/" + Guid.NewGuid() })
        {
            await AdminApi.ProblemAsync(await admin.GetAsync(path), HttpStatusCode.NotFound);
        }

        await AdminApi.ProblemAsync(await admin.PostAsync($"/admin/keys/{Guid.NewGuid()}/revoke", null), HttpStatusCode.NotFound);
        await admin.PostOkAsync("/admin/organizations", new { name = "twice" });
        await AdminApi.ProblemAsync(await admin.PostAsJsonAsync("/admin/organizations", new { name = "twice" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_whether_its_length_is_declared_or_not()
    {
        await using var host = await AdminHost.StartAsync(new() { ["Policy:Admin:MaxBodyBytes"] = "2048" });
        using var admin = host.Client();
        var big = "{\"name\":\"" + new string('a', 4096) + "\"}";

        using var declared = await admin.PostAsync("/admin/organizations", new StringContent(big, Encoding.UTF8, "application/json"));
        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/organizations") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await admin.SendAsync(request);

        await AdminApi.ProblemAsync(declared, HttpStatusCode.RequestEntityTooLarge);
        await AdminApi.ProblemAsync(streamed, HttpStatusCode.RequestEntityTooLarge);
        Assert.Single((await admin.GetOkAsync("/admin/organizations"))["items"]!.AsArray());
    }

    private static string[] Fields(JsonObject problem) => [.. problem["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal)];
}
