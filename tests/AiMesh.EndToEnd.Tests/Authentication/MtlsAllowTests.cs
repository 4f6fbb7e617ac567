using System.Net;
using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>
/// Client certificates with <c>Allow</c>: a mapped certificate is the credential (the key header is not read), no
/// certificate leaves the API key in charge, and a presented certificate that fails a check is refused, never ignored
/// in favour of the key.
/// </summary>
public sealed class MtlsAllowTests(AllowedCertificatesMesh mesh) : IClassFixture<AllowedCertificatesMesh>
{
    private const string ChatBody = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"echo: hi"}]}""";

    [Fact]
    public async Task Without_a_certificate_the_api_key_decides_over_tls_and_plain_http()
    {
        using var http = mesh.ClientWith(null);

        using var tls = await http.SendAsync(Sse.Post(mesh.Https, "v1/chat/completions", ChatBody));
        using var plain = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", ChatBody));
        using var unknown = await http.SendAsync(Sse.Post(mesh.Https, "v1/chat/completions", ChatBody, "sk-aimesh-nobody-0123456789"));

        Assert.Equal(HttpStatusCode.OK, tls.StatusCode);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    [Fact]
    public async Task A_mapped_certificate_decides_even_beside_a_valid_key()
    {
        using var certificate = TestCertificates.Client(mesh.Authority, "CN=billing-service, O=AiMesh Tests");
        using var http = mesh.ClientWith(certificate);

        // The test key may use every model; the certificate's role only gpt-4o-mini.
        using var allowed = await http.SendAsync(Sse.Post(mesh.Https, "v1/chat/completions", ChatBody));
        using var other = await http.SendAsync(Sse.Post(mesh.Https, "v1/chat/completions",
            """{"model":"claude-mock","messages":[{"role":"user","content":"echo: hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task A_certificate_from_an_unknown_ca_is_refused_even_with_a_valid_key()
    {
        using var stranger = TestCertificates.Authority("Someone Else's CA");
        using var certificate = TestCertificates.Client(stranger, "CN=billing-service, O=AiMesh Tests");
        using var http = mesh.ClientWith(certificate);

        using var response = await http.SendAsync(Sse.Post(mesh.Https, "v1/chat/completions", ChatBody));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
