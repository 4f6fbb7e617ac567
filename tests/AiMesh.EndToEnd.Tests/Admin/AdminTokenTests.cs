using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AiMesh.EndToEnd.Tests.Authentication;
using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Admin;

/// <summary>
/// Operators on the admin API with tokens from an identity provider, through the embedded ingress over real sockets:
/// policy verifies the token itself, finds the stored user by e-mail, lowers (never raises) its role by the token's
/// roles, and answers every bad token exactly as a bad key. The token is searched for in every captured log line,
/// bus message and span.
/// </summary>
public sealed class AdminTokenTests(AdminTokenMesh mesh) : IClassFixture<AdminTokenMesh>
{
    [Fact]
    public async Task An_org_admins_token_creates_a_team_and_a_key_in_its_organization()
    {
        var world = await WorldAsync();
        var token = Token(world.OrgAdminEmail, "aimesh-org-admins");
        using var client = Client(token);

        using var team = await client.PostAsJsonAsync("/admin/teams", new { organizationId = world.OrgA, name = "sso-team-" + Guid.NewGuid().ToString("N") });
        using var key = await client.PostAsJsonAsync("/admin/keys", new { owner = new { userId = world.OrgAdmin }, models = new[] { "gpt-4o-mini" } });
        using var beyond = await client.PostAsJsonAsync("/admin/keys", new { owner = new { userId = world.OrgAdmin }, models = new[] { "claude-mock" } });

        Assert.Equal(HttpStatusCode.Created, team.StatusCode);
        Assert.Equal(world.OrgA, (await JsonAsync(team))["organizationId"]!.GetValue<Guid>());
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        Assert.Equal(world.OrgA, (await JsonAsync(key))["key"]!["organizationId"]!.GetValue<Guid>());

        // Its ceiling is what Policy:Jwt grants org_admin: gpt-4o-mini, not claude-mock.
        Assert.Equal(HttpStatusCode.Forbidden, beyond.StatusCode);

        // The audit names the user, as for a key.
        using var audit = await Admin().GetAsync($"/admin/audit?operation=team.create&organizationId={world.OrgA}");
        var entries = (await JsonAsync(audit))["items"]!.AsArray();
        Assert.Contains(entries, e => e!["actor"]!.GetValue<string>() == $"user:{world.OrgAdmin}");
        Assert.Empty(mesh.Capture.Find(token));
        Assert.Empty(mesh.Capture.Find(token.Split('.')[2]));
    }

    [Fact]
    public async Task A_viewers_token_reads_but_is_refused_a_write()
    {
        var world = await WorldAsync();
        using var client = Client(Token(world.ViewerEmail, "aimesh-viewers"));

        using var read = await client.GetAsync($"/admin/teams/{world.TeamA}");
        using var write = await client.PostAsJsonAsync("/admin/teams", new { organizationId = world.OrgA, name = "viewer-team" });

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }

    [Fact]
    public async Task A_token_claiming_admin_for_a_member_acts_as_the_member()
    {
        var world = await WorldAsync();
        using var client = Client(Token(world.MemberEmail, "aimesh-admins"));

        using var otherOrganization = await client.GetAsync($"/admin/teams/{world.TeamB}");
        using var makeAdmin = await client.PostAsJsonAsync("/admin/users", new { organizationId = world.OrgA, email = $"root-{Guid.NewGuid():N}@a.example", role = "admin" });
        using var ownKey = await client.PostAsJsonAsync("/admin/keys", new { owner = new { userId = world.Member }, models = new[] { "gpt-4o-mini" } });
        using var everyModel = await client.PostAsJsonAsync("/admin/keys", new { owner = new { userId = world.Member }, models = new[] { "*" } });

        Assert.Equal(HttpStatusCode.NotFound, otherOrganization.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, makeAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Created, ownKey.StatusCode);

        // The ceiling is the member's (Policy:Jwt:Roles:member), not the admin's every model the token claims.
        Assert.Equal(HttpStatusCode.Forbidden, everyModel.StatusCode);
    }

    [Fact]
    public async Task A_token_lowers_an_org_admin_to_the_viewer_it_claims_and_without_a_role_claim_the_stored_role_holds()
    {
        var world = await WorldAsync();
        using var lowered = Client(Token(world.OrgAdminEmail, "aimesh-viewers"));
        using var plain = Client(Mint(AdminTokenMesh.SsoWithoutRoles, world.OrgAdminEmail, null));
        using var noAdminRole = Client(Token(world.OrgAdminEmail, "unrelated-group"));

        using var refused = await lowered.PostAsJsonAsync("/admin/teams", new { organizationId = world.OrgA, name = "lowered-" + Guid.NewGuid().ToString("N") });
        using var created = await plain.PostAsJsonAsync("/admin/teams", new { organizationId = world.OrgA, name = "plain-" + Guid.NewGuid().ToString("N") });
        using var none = await noAdminRole.GetAsync("/admin/users");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
    }

    [Fact]
    public async Task A_token_for_one_organizations_user_sees_the_others_objects_as_404()
    {
        var world = await WorldAsync();
        using var client = Client(Token(world.OrgAdminEmail, "aimesh-org-admins"));

        using var team = await client.GetAsync($"/admin/teams/{world.TeamB}");
        using var organization = await client.GetAsync($"/admin/organizations/{world.OrgB}");
        using var missing = await client.GetAsync($"/admin/teams/{Guid.NewGuid()}");
        var users = await JsonAsync(await client.GetAsync("/admin/users"));

        Assert.Equal(HttpStatusCode.NotFound, team.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, organization.StatusCode);
        Assert.Equal(Strip(await team.Content.ReadAsStringAsync()), Strip(await missing.Content.ReadAsStringAsync()));
        Assert.All(users["items"]!.AsArray(), u => Assert.Equal(world.OrgA, u!["organizationId"]!.GetValue<Guid>()));
    }

    [Fact]
    public async Task The_user_is_matched_by_email_ignoring_case()
    {
        var world = await WorldAsync();
        using var client = Client(Token(world.ViewerEmail.ToUpperInvariant(), "aimesh-viewers"));

        using var response = await client.GetAsync("/admin/users");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("not_yet_valid")]
    [InlineData("wrong_issuer")]
    [InlineData("wrong_audience")]
    [InlineData("bad_signature")]
    [InlineData("alg_none")]
    [InlineData("hs256_with_the_rsa_public_key")]
    [InlineData("unknown_kid")]
    [InlineData("no_email_claim")]
    [InlineData("unknown_user")]
    [InlineData("an_api_token_of_the_ingress")]
    public async Task A_bad_token_gets_exactly_the_401_of_a_bad_admin_key(string forgery)
    {
        var world = await WorldAsync();
        var token = Forge(forgery, world);
        using var badKey = await Client("sk-aimesh-not-an-admin-key-0123456789").GetAsync("/admin/users");

        using var response = await Client(token).GetAsync("/admin/users");

        Assert.Equal(HttpStatusCode.Unauthorized, badKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Strip(await badKey.Content.ReadAsStringAsync()), Strip(await response.Content.ReadAsStringAsync()));
        Assert.Contains(mesh.Capture.Logs, l => l.Contains("[2046] Admin bearer token refused:", StringComparison.Ordinal));
        Assert.Empty(mesh.Capture.Find(token));
    }

    [Fact]
    public async Task A_token_for_a_deleted_user_gets_the_401_of_a_bad_key()
    {
        var world = await WorldAsync();
        var email = $"leaver-{Guid.NewGuid():N}@a.example";
        var leaver = await JsonAsync(await Admin().PostAsJsonAsync("/admin/users", new { organizationId = world.OrgA, email, role = "org_admin" }));
        var token = Token(email, "aimesh-org-admins");
        using (var before = await Client(token).GetAsync("/admin/users"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await mesh.DeleteUserAsync(leaver["id"]!.GetValue<Guid>());
        using var after = await Client(token).GetAsync("/admin/users");
        using var badKey = await Client("sk-aimesh-not-an-admin-key-0123456789").GetAsync("/admin/users");

        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(Strip(await badKey.Content.ReadAsStringAsync()), Strip(await after.Content.ReadAsStringAsync()));
        Assert.Contains(mesh.Capture.Logs, l => l.Contains("[2046] Admin bearer token refused: no_such_user", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_identity_providers_keys_unavailable_and_none_cached_the_admin_api_answers_503()
    {
        var world = await WorldAsync();
        using var response = await Client(Mint(AdminTokenMesh.DownSso, world.OrgAdminEmail, ["aimesh-org-admins"], TestSigningKey.Rsa("down-1"))).GetAsync("/admin/users");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_two_verifiers_of_one_process_keep_their_issuers_apart()
    {
        var world = await WorldAsync();
        var adminToken = Token(world.OrgAdminEmail, "aimesh-org-admins");
        var apiToken = TestIdentityProvider.Mint(mesh.Rsa, AdminTokenMesh.ApiIssuer, AdminTokenMesh.ApiAudience, "svc-api",
            new Dictionary<string, object> { ["groups"] = new[] { "member" } });

        using var adminOnApi = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions",
            """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"echo: hi"}]}""", adminToken));
        using var apiOnApi = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions",
            """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"echo: hi"}]}""", apiToken));
        using var adminOnAdmin = await Client(adminToken).GetAsync("/admin/users");

        Assert.Equal(HttpStatusCode.Unauthorized, adminOnApi.StatusCode);
        Assert.Equal(HttpStatusCode.OK, apiOnApi.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminOnAdmin.StatusCode);

        // (Which section fetched which JWKS is not asserted from the log: the fetches start with the host, and one can
        // finish before the test's log capture is attached.)
    }

    private string Token(string email, string group) => Mint(AdminTokenMesh.Sso, email, [group]);

    private string Mint(string issuer, string email, string[]? groups, TestSigningKey? key = null)
    {
        var claims = new Dictionary<string, object> { ["email"] = email };
        if (groups is not null)
        {
            claims["groups"] = groups;
        }

        return TestIdentityProvider.Mint(key ?? mesh.Rsa, issuer, AdminTokenMesh.AdminAudience, "sso-" + Guid.NewGuid().ToString("N"), claims);
    }

    private string Forge(string forgery, World world)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["email"] = world.OrgAdminEmail, ["groups"] = new[] { "aimesh-org-admins" } };
        var payload = TestIdentityProvider.Payload(AdminTokenMesh.Sso, AdminTokenMesh.AdminAudience, "sso-mallory");
        payload["email"] = world.OrgAdminEmail;
        return forgery switch
        {
            "expired" => TestIdentityProvider.Mint(mesh.Rsa, AdminTokenMesh.Sso, AdminTokenMesh.AdminAudience, "s", claims, expires: now.AddMinutes(-5), notBefore: now.AddMinutes(-20)),
            "not_yet_valid" => TestIdentityProvider.Mint(mesh.Rsa, AdminTokenMesh.Sso, AdminTokenMesh.AdminAudience, "s", claims, expires: now.AddMinutes(20), notBefore: now.AddMinutes(5)),
            "wrong_issuer" => TestIdentityProvider.Mint(mesh.Rsa, "https://evil.example/", AdminTokenMesh.AdminAudience, "s", claims),
            "wrong_audience" => TestIdentityProvider.Mint(mesh.Rsa, AdminTokenMesh.Sso, AdminTokenMesh.ApiAudience, "s", claims),
            "bad_signature" => TestIdentityProvider.Mint(TestSigningKey.Rsa(mesh.Rsa.KeyId), AdminTokenMesh.Sso, AdminTokenMesh.AdminAudience, "s", claims),
            "alg_none" => TestIdentityProvider.Compose(new { alg = "none", typ = "JWT" }, payload, null),
            "hs256_with_the_rsa_public_key" => TestIdentityProvider.Compose(
                new { alg = "HS256", typ = "JWT", kid = mesh.Rsa.KeyId }, payload, TestIdentityProvider.Hmac(Encoding.ASCII.GetBytes(mesh.Rsa.PublicPem))),
            "unknown_kid" => TestIdentityProvider.Mint(TestSigningKey.Rsa("never-published-" + Guid.NewGuid().ToString("N")), AdminTokenMesh.Sso, AdminTokenMesh.AdminAudience, "s", claims),
            "no_email_claim" => TestIdentityProvider.Mint(mesh.Rsa, AdminTokenMesh.Sso, AdminTokenMesh.AdminAudience, "s",
                new Dictionary<string, object> { ["groups"] = new[] { "aimesh-org-admins" } }),
            "unknown_user" => Token($"nobody-{Guid.NewGuid():N}@a.example", "aimesh-org-admins"),
            "an_api_token_of_the_ingress" => TestIdentityProvider.Mint(mesh.Rsa, AdminTokenMesh.ApiIssuer, AdminTokenMesh.ApiAudience, "s", claims),
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };
    }

    /// <summary>Two organizations made with the bootstrap admin key: A with an org admin, a member, a viewer and a team; B with a team.</summary>
    private async Task<World> WorldAsync()
    {
        using var admin = Admin();
        var suffix = Guid.NewGuid().ToString("N");
        var orgA = (await JsonAsync(await admin.PostAsJsonAsync("/admin/organizations", new { name = "a-" + suffix })))["id"]!.GetValue<Guid>();
        var orgB = (await JsonAsync(await admin.PostAsJsonAsync("/admin/organizations", new { name = "b-" + suffix })))["id"]!.GetValue<Guid>();
        async Task<(Guid Id, string Email)> UserAsync(string role)
        {
            var email = $"{role}-{suffix}@a.example";
            var user = await JsonAsync(await admin.PostAsJsonAsync("/admin/users", new { organizationId = orgA, email, role }));
            return (user["id"]!.GetValue<Guid>(), email);
        }

        var orgAdmin = await UserAsync("org_admin");
        var member = await UserAsync("member");
        var viewer = await UserAsync("viewer");
        var teamA = (await JsonAsync(await admin.PostAsJsonAsync("/admin/teams", new { organizationId = orgA, name = "team-a" })))["id"]!.GetValue<Guid>();
        var teamB = (await JsonAsync(await admin.PostAsJsonAsync("/admin/teams", new { organizationId = orgB, name = "team-b" })))["id"]!.GetValue<Guid>();
        return new World(orgA, orgB, teamA, teamB, orgAdmin.Id, orgAdmin.Email, member.Id, member.Email, viewer.Email);
    }

    private HttpClient Admin() => Client(TestEnvironment.AdminKey);

    private HttpClient Client(string credential)
    {
        var client = new HttpClient { BaseAddress = mesh.Ingress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        return client;
    }

    private static async Task<JsonObject> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>A problem body without its per-request trace id.</summary>
    private static string Strip(string problem)
    {
        var json = JsonNode.Parse(problem)!.AsObject();
        json.Remove("traceId");
        return json.ToJsonString();
    }

    private sealed record World(
        Guid OrgA, Guid OrgB, Guid TeamA, Guid TeamB, Guid OrgAdmin, string OrgAdminEmail, Guid Member, string MemberEmail, string ViewerEmail);
}
