using AiMesh.EndToEnd.Tests.Infrastructure;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AiMesh.EndToEnd.Tests.Admin;

/// <summary>
/// The ingress's admin forwarder (services/ingress/Admin) against an upstream that records what it got: headers
/// and body passed, hop-by-hop headers and the client's own X-Forwarded-For dropped, redirects not followed, a
/// deadline, and a problem answer when the upstream is down.
/// </summary>
public sealed class AdminForwarderTests : IAsyncLifetime
{
    private WebApplication upstream = null!;
    private WebApplication ingress = null!;
    private WebApplication orphan = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        upstream = builder.Build();
        upstream.Map("/admin/echo", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            var headers = new JsonObject();
            foreach (var (name, value) in http.Request.Headers)
            {
                headers[name.ToLowerInvariant()] = value.ToString();
            }

            http.Response.Headers["X-Upstream"] = "yes";
            return Results.Json(new { method = http.Request.Method, path = http.Request.Path.Value, query = http.Request.QueryString.Value, bytes = body.Length, headers }, statusCode: 207);
        });
        upstream.MapGet("/admin/redirect", () => Results.Redirect("/admin/elsewhere"));
        upstream.MapGet("/admin/slow", async (HttpContext http) =>
        {
            await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.Ok();
        });
        await upstream.StartAsync();

        ingress = await StartIngressAsync(AddressOf(upstream));
        orphan = await StartIngressAsync(new Uri("http://127.0.0.1:9/"));
    }

    public async Task DisposeAsync()
    {
        foreach (var app in new[] { ingress, orphan, upstream })
        {
            await app.StopBoundedAsync();
        }
    }

    [Fact]
    public async Task Headers_query_and_a_streamed_body_reach_the_upstream_but_hop_by_hop_headers_and_a_forged_client_address_do_not()
    {
        using var client = new HttpClient { BaseAddress = AddressOf(ingress) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/echo?limit=2&cursor=abc")
        {
            Content = new StreamContent(new MemoryStream(new byte[300_000])),
        };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new("Bearer", "sk-aimesh-forwarded");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "6.6.6.6");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic c2VjcmV0");
        request.Headers.TryAddWithoutValidation("X-Custom", "kept");

        using var response = await client.SendAsync(request);
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var headers = echo["headers"]!.AsObject();

        Assert.Equal((HttpStatusCode)207, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("X-Upstream").Single());
        Assert.Equal(("POST", "/admin/echo", "?limit=2&cursor=abc", 300_000), (echo["method"]!.GetValue<string>(), echo["path"]!.GetValue<string>(), echo["query"]!.GetValue<string>(), echo["bytes"]!.GetValue<int>()));
        Assert.Equal("Bearer sk-aimesh-forwarded", headers["authorization"]!.GetValue<string>());
        Assert.Equal("kept", headers["x-custom"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", headers["x-forwarded-for"]!.GetValue<string>());
        Assert.Null(headers["proxy-authorization"]);
    }

    [Fact]
    public async Task A_redirect_is_passed_back_not_followed()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = AddressOf(ingress) };

        using var response = await client.GetAsync("/admin/redirect");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/elsewhere", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task An_upstream_that_does_not_answer_in_time_is_504_and_one_that_is_down_502_as_problems()
    {
        using var client = new HttpClient { BaseAddress = AddressOf(ingress) };
        using var down = new HttpClient { BaseAddress = AddressOf(orphan) };

        using var slow = await client.GetAsync("/admin/slow");
        using var unreachable = await down.GetAsync("/admin/users");

        Assert.Equal(HttpStatusCode.GatewayTimeout, slow.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, unreachable.StatusCode);
        Assert.Equal("application/problem+json", unreachable.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<WebApplication> StartIngressAsync(Uri adminUpstream)
    {
        var app = AiMesh.Ingress.Program.BuildApp(
        [
            "--urls=http://127.0.0.1:0",
            "--Bus:Transport=InMemory",
            "--Mesh:Embedded=false",
            "--Logging:LogLevel:Default=Warning",
            $"--Ingress:AdminUpstream={adminUpstream}",
            "--Ingress:AdminTimeout=00:00:02",
        ]);
        await app.StartAsync();
        return app;
    }

    private static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
