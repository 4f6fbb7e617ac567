using System.Net;
using System.Net.Http.Headers;
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

    private HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = Mesh.Ingress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    private static async Task<Guid> AdminUserAsync(HttpClient admin)
    {
        var users = await OkAsync(await admin.GetAsync("/admin/users?role=admin"));
        return users["items"]!.AsArray().First(u => u!["email"]!.GetValue<string>() == "admin")!["id"]!.GetValue<Guid>();
    }

    private static async Task<JsonObject> OkAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {text}");
            return JsonNode.Parse(text)!.AsObject();
        }
    }
}
