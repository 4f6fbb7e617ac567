using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using AiMesh.EndToEnd.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>
/// Client certificates (mTLS) with <c>Require</c>, over real TLS: a valid mapped certificate is the credential (the
/// SDK's API key is not read), metered to its principal; an unknown CA, an expired certificate, an unmapped one, one
/// not for client use, and none at all each get the uniform 401.
/// </summary>
public sealed class MtlsTests(RequiredCertificatesMesh mesh) : IClassFixture<RequiredCertificatesMesh>
{
    private const string Uniform401 = """{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""";
    private const string ChatBody = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"echo: hi"}]}""";

    [Fact]
    public async Task The_openai_sdk_presenting_a_mapped_certificate_is_served_and_metered_to_its_principal()
    {
        using var certificate = TestCertificates.Client(mesh.Authority, "CN=billing-service, O=AiMesh Tests");
        using var http = mesh.ClientWith(certificate);
        var client = new OpenAIClient(new ApiKeyCredential("sk-not-a-key-the-certificate-decides"), new OpenAIClientOptions
        {
            Endpoint = new Uri(mesh.Https, "v1"),
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(0),
        });

        ChatCompletion completion = await client.GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage("echo: over mtls")]);

        Assert.Equal("over mtls", completion.Content[0].Text);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!(await mesh.UsageAsync()).Any(r => r.PrincipalId == "user:billing-service" && r.Outcome == "ok"))
        {
            await Task.Delay(100, deadline.Token);
        }

        // The certificate gives the principal only the models its role grants.
        using var other = await http.SendAsync(Sse.Post(mesh.Https, "v1/chat/completions",
            """{"model":"claude-mock","messages":[{"role":"user","content":"echo: hi"}]}""", "sk-ignored"));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Theory]
    [InlineData("unknown_ca", "chain:")]
    [InlineData("expired", "NotTimeValid")]
    [InlineData("not_mapped", "not_mapped")]
    [InlineData("server_only", "chain:")]
    public async Task A_certificate_that_fails_a_check_gets_the_uniform_401(string kind, string reason)
    {
        var now = DateTimeOffset.UtcNow;
        using var stranger = TestCertificates.Authority("Someone Else's CA");
        using var certificate = kind switch
        {
            "unknown_ca" => TestCertificates.Client(stranger, "CN=billing-service, O=AiMesh Tests"),
            "expired" => TestCertificates.Client(mesh.Authority, "CN=billing-service, O=AiMesh Tests", now.AddDays(-10), now.AddDays(-1)),
            "not_mapped" => TestCertificates.Client(mesh.Authority, "CN=stranger, O=AiMesh Tests"),
            "server_only" => TestCertificates.Client(mesh.Authority, "CN=billing-service, O=AiMesh Tests", forClients: false),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        using var http = mesh.ClientWith(certificate);

        using var response = await http.SendAsync(Sse.Post(mesh.Https, "v1/chat/completions", ChatBody));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Uniform401, await response.Content.ReadAsStringAsync());
        Assert.Contains(mesh.Capture.Logs, l => l.Contains("[1081] Client certificate refused: ", StringComparison.Ordinal) && l.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Require_without_a_certificate_is_401_even_with_a_valid_api_key_and_over_plain_http()
    {
        using var http = mesh.ClientWith(null);

        using var tls = await http.SendAsync(Sse.Post(mesh.Https, "v1/chat/completions", ChatBody));
        using var plain = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody));

        Assert.Equal(HttpStatusCode.Unauthorized, tls.StatusCode);
        Assert.Equal(Uniform401, await tls.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, plain.StatusCode);
        Assert.Contains(mesh.Capture.Logs, l => l.Contains("[1081] Client certificate refused: none_presented", StringComparison.Ordinal));
    }
}
