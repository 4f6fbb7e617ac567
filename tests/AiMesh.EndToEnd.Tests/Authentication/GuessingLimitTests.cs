using System.Net;
using System.Text.Json;
using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>
/// Bearer tokens and client certificates the ingress refuses count against their address like refused API keys do at
/// policy: past the limit, every token and certificate from that address is answered 429 with Retry-After, valid ones
/// included, until the window ends. API keys are policy's to count, so they are not held by the ingress's count.
/// </summary>
public sealed class GuessingLimitTests(GuessingLimitMesh mesh) : IClassFixture<GuessingLimitMesh>
{
    private const string ChatBody = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"echo: hi"}]}""";

    [Fact]
    public async Task Refused_tokens_and_certificates_hold_the_address_for_valid_ones_too()
    {
        var valid = TestIdentityProvider.Mint(mesh.Key, GuessingLimitMesh.Issuer, GuessingLimitMesh.Audience, "svc-guess",
            new Dictionary<string, object> { ["roles"] = "member" });
        using var served = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody, valid));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);

        // Two forged tokens (signed by a key nobody configured) and one certificate from an unknown CA: the limit.
        var forger = TestSigningKey.Ec("guessing-ec");
        for (var i = 0; i < 2; i++)
        {
            var forged = TestIdentityProvider.Mint(forger, GuessingLimitMesh.Issuer, GuessingLimitMesh.Audience, $"guess-{i}");
            using var refused = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody, forged));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var stranger = TestCertificates.Authority("Someone Else's CA");
        using (var strangerCertificate = TestCertificates.Client(stranger, "CN=billing-service, O=AiMesh Tests"))
        using (var strangerClient = mesh.ClientWith(strangerCertificate))
        using (var refused = await strangerClient.SendAsync(Sse.Post(mesh.Https, "v1/chat/completions", ChatBody)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // Now the valid token and a valid mapped certificate are both held, and neither is checked.
        using var heldToken = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody, valid));
        await AssertHeldAsync(heldToken);
        using (var certificate = TestCertificates.Client(mesh.Authority, "CN=billing-service, O=AiMesh Tests"))
        using (var client = mesh.ClientWith(certificate))
        using (var heldCertificate = await client.SendAsync(Sse.Post(mesh.Https, "v1/chat/completions", ChatBody)))
        {
            await AssertHeldAsync(heldCertificate);
        }

        Assert.Contains(mesh.Capture.Logs, l => l.Contains("[1085] Credential refused unchecked", StringComparison.Ordinal));

        // An API key from the same address is policy's to judge, and policy has refused none from it.
        using var key = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody, TestEnvironment.ClientKey));
        Assert.Equal(HttpStatusCode.OK, key.StatusCode);
    }

    private static async Task AssertHeldAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("too_many_failed_attempts", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("rate_limit_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
    }
}
