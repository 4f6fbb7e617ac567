using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AiMesh.EndToEnd.Tests.Infrastructure;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>
/// JWTs through the distributed mesh: on the OpenAI surface the principal crosses RabbitMQ to policy, the token does
/// not; on the admin API the ingress forwards the token over HTTP and policy verifies it itself.
/// </summary>
public sealed class DistributedJwtTests(DistributedJwtMesh mesh) : IClassFixture<DistributedJwtMesh>
{
    [Fact]
    public async Task A_token_is_served_and_metered_while_only_its_claims_cross_the_broker()
    {
        var subject = "svc-" + Guid.NewGuid().ToString("N");
        var token = TestIdentityProvider.Mint(mesh.Rsa, DistributedJwtMesh.Issuer, DistributedJwtMesh.Audience, subject,
            new Dictionary<string, object> { ["team"] = "platform", ["roles"] = new[] { "member" } });

        ChatCompletion completion = await mesh.Client(token).GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage("echo: across the broker")]);

        Assert.Equal("across the broker", completion.Content[0].Text);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!(await mesh.UsageAsync()).Any(r => r.PrincipalId == "user:" + subject))
        {
            await Task.Delay(100, deadline.Token);
        }

        Assert.Contains(mesh.Capture.Messages, m => m.StartsWith("consume AuthorizeRequest", StringComparison.Ordinal) && m.Contains(subject, StringComparison.Ordinal));
        Assert.Empty(mesh.Capture.Find(token));
        Assert.Empty(mesh.Capture.Find(token.Split('.')[2]));
    }

    [Fact]
    public async Task An_operators_token_forwarded_by_the_ingress_is_verified_by_policy_itself()
    {
        using var admin = Client(mesh.Ingress, TestEnvironment.AdminKey);
        var organization = (await OkAsync(await admin.GetAsync("/admin/organizations")))["items"]![0]!["id"]!.GetValue<Guid>();
        var email = $"ops-{Guid.NewGuid():N}@example.com";
        await OkAsync(await admin.PostAsJsonAsync("/admin/users", new { organizationId = organization, email, role = "org_admin" }));
        var token = AdminToken(email, "org_admin");
        var stranger = AdminToken($"stranger-{Guid.NewGuid():N}@example.com", "org_admin");

        using var operatorClient = Client(mesh.Ingress, token);
        using var created = await operatorClient.PostAsJsonAsync("/admin/teams", new { organizationId = organization, name = "sso-" + Guid.NewGuid().ToString("N") });
        using var refused = await Client(mesh.Ingress, stranger).GetAsync("/admin/users");
        using var badKey = await Client(mesh.Ingress, "sk-aimesh-not-an-admin-key-0123456789").GetAsync("/admin/users");

        // Straight to the other replica's port, no ingress in between: the same answer, nothing to trust but the token.
        using var direct = await Client(mesh.PolicyAddress(1), token).GetAsync("/admin/users");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(Strip(await badKey.Content.ReadAsStringAsync()), Strip(await refused.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Contains(mesh.Capture.Logs, l => l.Contains("[2046] Admin bearer token refused: no_such_user", StringComparison.Ordinal));
        Assert.Empty(mesh.Capture.Find(token));
        Assert.Empty(mesh.Capture.Find(stranger));
        Assert.Empty(mesh.Capture.Find(token.Split('.')[2]));
    }

    private string AdminToken(string email, string role) =>
        TestIdentityProvider.Mint(mesh.Rsa, DistributedJwtMesh.AdminIssuer, DistributedJwtMesh.AdminAudience, "sso-" + Guid.NewGuid().ToString("N"),
            new Dictionary<string, object> { ["email"] = email, ["roles"] = new[] { role } });

    private static HttpClient Client(Uri address, string credential)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        return client;
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

    private static string Strip(string problem)
    {
        var json = JsonNode.Parse(problem)!.AsObject();
        json.Remove("traceId");
        return json.ToJsonString();
    }
}
