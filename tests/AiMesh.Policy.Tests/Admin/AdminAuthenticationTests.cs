using System.Net;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Tests.Support;

namespace AiMesh.Policy.Tests.Admin;

/// <summary>Who is calling the admin API: a user's key makes an actor; everything else is one uniform 401 or, for keys that are not a user's, 403.</summary>
public sealed class AdminAuthenticationTests
{
    [Fact]
    public async Task The_bootstrap_key_is_an_admin_in_either_header()
    {
        await using var host = await AdminHost.StartAsync();
        using var bearer = host.Client();
        using var apiKey = host.Client(null);
        apiKey.DefaultRequestHeaders.Add("x-api-key", AdminHost.BootstrapKey);

        var viaBearer = await bearer.GetOkAsync("/admin/users");
        var viaApiKey = await apiKey.GetOkAsync("/admin/users");

        var admin = Assert.Single(viaBearer["items"]!.AsArray())!;
        Assert.Equal(("admin", "admin"), (admin.Text("email"), admin.Text("role")));
        Assert.Equal(viaBearer.ToJsonString(), viaApiKey.ToJsonString());
    }

    [Fact]
    public async Task Past_the_guessing_limit_the_address_gets_429_with_retry_after_even_with_the_admin_key()
    {
        await using var host = await AdminHost.StartAsync(new() { ["Policy:FailedAttempts:Limit"] = "3" });
        using var guesser = host.Client("sk-aimesh-guess-0000000000000000000000000000");
        for (var i = 0; i < 3; i++)
        {
            using var refused = await guesser.GetAsync(new Uri("/admin/users", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var admin = host.Client();
        using var held = await admin.GetAsync(new Uri("/admin/users", UriKind.Relative));

        Assert.Equal((System.Net.HttpStatusCode)429, held.StatusCode);
        Assert.InRange(held.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Equal("application/problem+json", held.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Missing_unknown_malformed_revoked_disabled_expired_and_conflicting_credentials_get_the_same_401()
    {
        await using var host = await AdminHost.StartAsync();
        using var admin = host.Client();
        var organization = (await admin.GetOkAsync("/admin/organizations"))["items"]![0]!.AsObject().Id();
        var (_, revoked, revokedId) = await admin.UserWithKeyAsync(organization, "admin");
        var (_, disabled, disabledId) = await admin.UserWithKeyAsync(organization, "admin");
        var expiring = await admin.PostOkAsync("/admin/keys", new
        {
            owner = new { userId = (await admin.UserWithKeyAsync(organization, "admin")).UserId },
            models = new[] { "*" },
            expiresAt = DateTimeOffset.UtcNow.AddSeconds(2),
        });
        (await admin.PostAsync($"/admin/keys/{revokedId}/revoke", null)).EnsureSuccessStatusCode();
        (await admin.PostAsync($"/admin/keys/{disabledId}/disable", null)).EnsureSuccessStatusCode();

        // The expired key: wait until the clock is past its expiry (not a timing assertion: the wait only ends once it is).
        var expiresAt = expiring["key"]!["expiresAt"]!.GetValue<DateTimeOffset>();
        while (DateTimeOffset.UtcNow <= expiresAt)
        {
            await Task.Delay(100);
        }

        var requests = new List<HttpRequestMessage>
        {
            new(HttpMethod.Get, "/admin/users"),
            WithBearer("sk-aimesh-unknown-0000000000000000000000000000000000"),
            WithBearer(revoked),
            WithBearer(disabled),
            WithBearer(expiring.Text("secret")),
            WithBearer("' OR '1'='1"),
            WithBearer(new string('k', 10_000)),
            WithHeader("Authorization", "Basic " + AdminHost.BootstrapKey),
            WithHeader("Authorization", "Bearer "),
        };
        var conflicting = WithBearer(AdminHost.BootstrapKey);
        conflicting.Headers.Add("x-api-key", revoked);
        requests.Add(conflicting);

        using var client = host.Client(null);
        var bodies = new List<string>();
        foreach (var request in requests)
        {
            using var response = await client.SendAsync(request);
            var problem = await AdminApi.ProblemAsync(response, HttpStatusCode.Unauthorized);
            problem.Remove("traceId");
            bodies.Add(problem.ToJsonString());
        }

        Assert.Single(bodies.Distinct());
    }

    [Fact]
    public async Task Keys_of_a_team_a_service_account_or_the_configuration_have_no_admin_rights()
    {
        const string configured = "sk-aimesh-configured-key-for-the-request-path-only";
        await using var host = await AdminHost.StartAsync(new()
        {
            ["Policy:Keys:0:Id"] = "configured",
            ["Policy:Keys:0:Principal"] = "app",
            ["Policy:Keys:0:Sha256"] = KeyRing.HashOf(configured),
            ["Policy:Keys:0:Models:0"] = "*",
        });
        using var admin = host.Client();
        var team = await admin.PostOkAsync("/admin/teams", new { name = "platform" });
        var account = await admin.PostOkAsync("/admin/service-accounts", new { teamId = team.Id(), name = "ci" });
        var teamKey = await admin.PostOkAsync("/admin/keys", new { owner = new { teamId = team.Id() }, models = new[] { "*" } });
        var accountKey = await admin.PostOkAsync("/admin/keys", new { owner = new { serviceAccountId = account.Id() }, models = new[] { "*" } });

        foreach (var secret in new[] { teamKey.Text("secret"), accountKey.Text("secret"), configured })
        {
            using var client = host.Client(secret);
            using var response = await client.GetAsync("/admin/keys");
            var problem = await AdminApi.ProblemAsync(response, HttpStatusCode.Forbidden);
            Assert.Equal("This credential has no administration rights.", problem.Text("detail"));
        }
    }

    [Fact]
    public async Task A_key_used_outside_its_allowlist_is_refused_like_an_unknown_one()
    {
        await using var host = await AdminHost.StartAsync();
        using var admin = host.Client();
        var organization = (await admin.GetOkAsync("/admin/organizations"))["items"]![0]!.AsObject().Id();
        var user = await admin.PostOkAsync("/admin/users", new { organizationId = organization, email = "far@example.com", role = "admin" });
        var key = await admin.PostOkAsync("/admin/keys", new { owner = new { userId = user.Id() }, models = new[] { "*" }, ipAllowlist = new[] { "192.0.2.0/24" } });

        using var client = host.Client(key.Text("secret"));
        using var response = await client.GetAsync("/admin/users");

        await AdminApi.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    private static HttpRequestMessage WithBearer(string secret) => WithHeader("Authorization", "Bearer " + secret);

    private static HttpRequestMessage WithHeader(string name, string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/admin/users");
        request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }
}
