using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AiMesh.EndToEnd.Tests.Infrastructure;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>
/// Bearer tokens from identity providers, over real sockets: the official OpenAI SDK with a JWT as its API key, every
/// way a token can be wrong answered with the very 401 of an unknown key, JWKS rotation, an identity provider that is
/// down or hangs, and the token found nowhere it must not be.
/// </summary>
public sealed class JwtTests(JwtMesh mesh) : IClassFixture<JwtMesh>
{
    private const string ChatBody = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"echo: hi"}]}""";

    [Fact]
    public async Task The_openai_sdk_with_an_rs256_token_as_its_key_is_served_and_metered_to_the_mapped_user()
    {
        var user = $"alice-{Guid.NewGuid():N}@example.com";
        var token = TestIdentityProvider.Mint(mesh.Rsa, JwtMesh.JwksIssuer, JwtMesh.Audience, "u-" + Guid.NewGuid().ToString("N"), new Dictionary<string, object>
        {
            ["preferred_username"] = user,
            ["team"] = "research",
            ["groups"] = new[] { "gateway-users", "unrelated-group" },
        });

        ChatCompletion completion = await mesh.Client(token).GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage("echo: hello jwt")]);

        Assert.Equal("hello jwt", completion.Content[0].Text);
        var row = await WaitForUsageAsync($"user:{user}");
        Assert.Equal(("ok", "gpt-4o-mini"), (row.Outcome, row.ModelRequested));

        // The claims travelled (the capture works), the token did not: not in a log line, a bus message or a span.
        Assert.Contains(mesh.Capture.Messages, m => m.StartsWith("consume AuthorizeRequest", StringComparison.Ordinal) && m.Contains(user, StringComparison.Ordinal));
        Assert.Empty(mesh.Capture.Find(token));
        Assert.Empty(mesh.Capture.Find(token.Split('.')[2]));
        Assert.NotEmpty(mesh.Capture.Spans);
        Assert.Contains(mesh.Capture.Logs, l => l.Contains("RequestId", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_es256_token_from_the_jwks_is_served()
    {
        var token = Token(mesh.Ec, groups: ["gateway-users"]);

        using var response = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody, token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_es256_token_checked_against_a_static_pem_key_is_served_with_its_roles_as_they_are()
    {
        var token = TestIdentityProvider.Mint(mesh.StaticEc, JwtMesh.StaticIssuer, JwtMesh.Audience, "svc-static",
            new Dictionary<string, object> { ["roles"] = "member" });

        using var response = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody, token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await WaitForUsageAsync("user:svc-static");
    }

    [Fact]
    public async Task The_models_a_principal_may_use_come_from_its_roles_and_team_and_nothing_else()
    {
        var token = Token(mesh.Rsa, groups: ["gateway-users", "gateway-embedders"], team: "research");

        using var list = await Get("v1/models", token);
        var ids = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement.GetProperty("data")
            .EnumerateArray().Select(m => m.GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["claude-mock", "gpt-4o-mini", "text-embedding-3-small"], ids);

        using var other = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions",
            """{"model":"gemini-mock","messages":[{"role":"user","content":"echo: hi"}]}""", token));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Contains("model_not_found", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // No role the policy knows and no team: admitted, but nothing is allowed.
        using var nothing = await Get("v1/models", Token(mesh.Rsa, groups: ["unrelated-group"]));
        Assert.Equal(HttpStatusCode.OK, nothing.StatusCode);
        Assert.Equal(0, JsonDocument.Parse(await nothing.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetArrayLength());
    }

    [Theory]
    [InlineData("unknown_issuer", "unknown_issuer")]
    [InlineData("wrong_audience", "wrong_audience")]
    [InlineData("expired", "expired")]
    [InlineData("not_yet_valid", "not_yet_valid")]
    [InlineData("bad_signature", "bad_signature")]
    [InlineData("signed_by_another_issuers_key", "bad_signature")]
    [InlineData("alg_none", "algorithm_not_allowed")]
    [InlineData("hs256_with_the_rsa_public_key_pem", "algorithm_not_allowed")]
    [InlineData("hs256_with_the_rsa_public_key_der", "algorithm_not_allowed")]
    [InlineData("no_user_claim", "user_claim_missing")]
    [InlineData("no_expiry", "no_expiry")]
    public async Task A_bad_token_gets_exactly_the_401_of_an_unknown_key_and_the_reason_only_in_the_log(string forgery, string reason)
    {
        var token = Forge(forgery);
        using var unknownKey = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody, "sk-aimesh-nobody-0123456789"));
        var expected = await unknownKey.Content.ReadAsStringAsync();

        using var response = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody, token));

        Assert.Equal(HttpStatusCode.Unauthorized, unknownKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
        Assert.Contains(mesh.Capture.Logs, l => l.Contains($"[1080] Bearer token refused: {reason}", StringComparison.Ordinal));
        Assert.Empty(mesh.Capture.Find(token));

        using var models = await Get("v1/models", token);
        Assert.Equal(HttpStatusCode.Unauthorized, models.StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_a_rotated_in_key_passes_once_the_jwks_serves_it()
    {
        var rotated = TestSigningKey.Rsa("rsa-rotated-" + Guid.NewGuid().ToString("N"));
        var token = Token(rotated, groups: ["gateway-users"]);

        // Not yet published: the unknown kid makes the ingress fetch the JWKS again, which does not have it.
        var before = mesh.Idp.Fetches;
        using var early = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody, token));
        Assert.Equal(HttpStatusCode.Unauthorized, early.StatusCode);
        Assert.True(mesh.Idp.Fetches > before, "an unknown kid fetches the JWKS again");

        mesh.Idp.Publish(rotated);
        using var response = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody, token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var old = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody, Token(mesh.Rsa, groups: ["gateway-users"])));
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
    }

    [Fact]
    public async Task Cached_keys_keep_working_while_the_identity_provider_is_down()
    {
        await WarmAsync();
        mesh.Idp.Down = true;
        try
        {
            using var response = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody, Token(mesh.Rsa, groups: ["gateway-users"])));
            using var unknownKid = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody,
                Token(TestSigningKey.Rsa("never-published"), groups: ["gateway-users"])));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, unknownKid.StatusCode);
        }
        finally
        {
            mesh.Idp.Down = false;
        }
    }

    [Fact]
    public async Task A_hanging_identity_provider_holds_no_request_beyond_the_timeout()
    {
        await WarmAsync();
        var hang = mesh.Idp.Hang();
        try
        {
            // The unknown kid waits for a fetch that never answers, at most Ingress:Jwt:JwksTimeout, then is refused:
            // the answer comes while the identity provider still hangs.
            using var unknownKid = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody,
                Token(TestSigningKey.Rsa("hung-" + Guid.NewGuid().ToString("N")), groups: ["gateway-users"])));
            using var cached = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody, Token(mesh.Ec, groups: ["gateway-users"])));

            Assert.Equal(HttpStatusCode.Unauthorized, unknownKid.StatusCode);
            Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
            Assert.False(hang.Task.IsCompleted);
            Assert.Contains(mesh.Capture.Logs, l => l.Contains("[5002]", StringComparison.Ordinal));
        }
        finally
        {
            mesh.Idp.Resume();
        }
    }

    [Fact]
    public async Task With_no_keys_cached_and_the_identity_provider_unreachable_the_answer_is_503_to_retry()
    {
        var token = TestIdentityProvider.Mint(TestSigningKey.Rsa("down-1"), JwtMesh.DownIssuer, JwtMesh.Audience, "someone");

        using var response = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody, token));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("identity_provider_unavailable", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement
            .GetProperty("error").GetProperty("code").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task The_anthropic_surface_takes_a_token_in_x_api_key()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(mesh.Ingress, "v1/messages"))
        {
            Content = new StringContent("""{"model":"gpt-4o-mini","max_tokens":64,"messages":[{"role":"user","content":"echo: via anthropic"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", Token(mesh.Rsa, groups: ["gateway-users"]));
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var bad = new HttpRequestMessage(HttpMethod.Post, request.RequestUri) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        bad.Headers.Add("x-api-key", Forge("expired"));
        bad.Headers.Add("anthropic-version", "2023-06-01");

        using var response = await mesh.Http.SendAsync(request);
        using var refused = await mesh.Http.SendAsync(bad);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("via anthropic", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("authentication_error", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Api_keys_still_work_beside_tokens()
    {
        ChatCompletion completion = await mesh.Client().GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage("echo: still a key")]);

        Assert.Equal("still a key", completion.Content[0].Text);
    }

    private static string Token(TestSigningKey key, string[] groups, string? team = null)
    {
        var claims = new Dictionary<string, object> { ["preferred_username"] = "bob@example.com", ["groups"] = groups };
        if (team is not null)
        {
            claims["team"] = team;
        }

        return TestIdentityProvider.Mint(key, JwtMesh.JwksIssuer, JwtMesh.Audience, "u-bob", claims);
    }

    private string Forge(string forgery)
    {
        var now = DateTime.UtcNow;
        var user = new Dictionary<string, object> { ["preferred_username"] = "mallory@example.com", ["groups"] = new[] { "gateway-users" } };
        var payload = TestIdentityProvider.Payload(JwtMesh.JwksIssuer, JwtMesh.Audience, "u-mallory");
        payload["preferred_username"] = "mallory@example.com";
        var rsaPublic = ((System.Security.Cryptography.RSA)mesh.Rsa.Algorithm).ExportSubjectPublicKeyInfo();
        return forgery switch
        {
            "unknown_issuer" => TestIdentityProvider.Mint(mesh.Rsa, "https://evil.example/", JwtMesh.Audience, "u-mallory", user),
            "wrong_audience" => TestIdentityProvider.Mint(mesh.Rsa, JwtMesh.JwksIssuer, "another-api", "u-mallory", user),
            "expired" => TestIdentityProvider.Mint(mesh.Rsa, JwtMesh.JwksIssuer, JwtMesh.Audience, "u-mallory", user, expires: now.AddMinutes(-5), notBefore: now.AddMinutes(-20)),
            "not_yet_valid" => TestIdentityProvider.Mint(mesh.Rsa, JwtMesh.JwksIssuer, JwtMesh.Audience, "u-mallory", user, expires: now.AddMinutes(20), notBefore: now.AddMinutes(5)),
            "bad_signature" => TestIdentityProvider.Mint(TestSigningKey.Rsa(mesh.Rsa.KeyId), JwtMesh.JwksIssuer, JwtMesh.Audience, "u-mallory", user),
            "signed_by_another_issuers_key" => TestIdentityProvider.Mint(
                TestSigningKey.Ec(mesh.StaticEc.KeyId), JwtMesh.StaticIssuer, JwtMesh.Audience, "u-mallory", new Dictionary<string, object> { ["roles"] = "member" }),
            "alg_none" => TestIdentityProvider.Compose(new { alg = "none", typ = "JWT" }, payload, null),
            "hs256_with_the_rsa_public_key_pem" => TestIdentityProvider.Compose(
                new { alg = "HS256", typ = "JWT", kid = mesh.Rsa.KeyId }, payload, TestIdentityProvider.Hmac(Encoding.ASCII.GetBytes(mesh.Rsa.PublicPem))),
            "hs256_with_the_rsa_public_key_der" => TestIdentityProvider.Compose(
                new { alg = "HS256", typ = "JWT", kid = mesh.Rsa.KeyId }, payload, TestIdentityProvider.Hmac(rsaPublic)),
            "no_user_claim" => TestIdentityProvider.Mint(mesh.Rsa, JwtMesh.JwksIssuer, JwtMesh.Audience, "u-mallory",
                new Dictionary<string, object> { ["groups"] = new[] { "gateway-users" } }),
            "no_expiry" => TestIdentityProvider.Compose(
                new { alg = "RS256", typ = "JWT", kid = mesh.Rsa.KeyId },
                payload.Where(p => p.Key != "exp").ToDictionary(),
                input => ((System.Security.Cryptography.RSA)mesh.Rsa.Algorithm).SignData(
                    input, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1)),
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };
    }

    /// <summary>One accepted token of each JWKS key, so the cache holds them before the identity provider misbehaves.</summary>
    private async Task WarmAsync()
    {
        foreach (var key in new[] { mesh.Rsa, mesh.Ec })
        {
            using var response = await Get("v1/models", Token(key, groups: ["gateway-users"]));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private Task<HttpResponseMessage> Get(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(mesh.Ingress, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return mesh.Http.SendAsync(request);
    }

    private async Task<UsageRow> WaitForUsageAsync(string principal)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var row = (await mesh.UsageAsync()).FirstOrDefault(r => r.PrincipalId == principal);
            if (row is not null)
            {
                return row;
            }

            await Task.Delay(100, deadline.Token);
        }
    }
}
