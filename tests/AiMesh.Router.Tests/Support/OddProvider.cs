using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiMesh.Router.Tests.Support;

/// <summary>
/// A provider that misbehaves in ways the mock provider does not script: it redirects, echoes the credential in
/// its error text, reports an error inside a stream, or answers a stream with plain JSON. Real socket, port 0.
/// </summary>
internal sealed class OddProvider : IAsyncDisposable
{
    private readonly WebApplication app;
    private int stolenHits;

    private OddProvider(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Calls that reached the redirect's target (never, if redirects are not followed).</summary>
    public int StolenHits => Volatile.Read(ref stolenHits);

    public static async Task<OddProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var provider = new OddProvider(app);

        app.MapPost("/redirect/v1/chat/completions", () =>
            Results.Redirect(new Uri(provider.BaseAddress, "stolen/v1/chat/completions").ToString(), permanent: false, preserveMethod: true));
        app.MapPost("/stolen/v1/chat/completions", () =>
        {
            Interlocked.Increment(ref provider.stolenHits);
            return Results.Json(new { id = "stolen", choices = Array.Empty<object>() });
        });
        app.MapPost("/echo-key/v1/chat/completions", (HttpRequest request) => Results.Json(
            new { error = new { message = $"Incorrect value. You sent: {request.Headers.Authorization}.", code = "invalid_value", param = "model" } },
            statusCode: 400));
        app.MapPost("/echo-key-401/v1/chat/completions", (HttpRequest request) => Results.Json(
            new { error = new { message = $"Incorrect API key provided: {request.Headers.Authorization}.", code = "invalid_api_key" } },
            statusCode: 401));
        app.MapPost("/stream-error/v1/chat/completions", async (HttpContext http) =>
        {
            var key = http.Request.Headers.Authorization.ToString();
            http.Response.ContentType = "text/event-stream";
            await http.Response.WriteAsync("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}\n\n");
            await http.Response.WriteAsync($"data: {{\"error\":{{\"message\":\"The server had an error ({key})\",\"type\":\"server_error\"}}}}\n\n");
        });
        app.MapPost("/json-for-stream/v1/chat/completions", () => Results.Json(new { id = "c", choices = Array.Empty<object>() }));
        app.MapPost("/bom-crlf/v1/chat/completions", async (HttpContext http) =>
        {
            http.Response.ContentType = "text/event-stream";
            var body = "\uFEFF: hello\r\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\r\n\r\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":1}}\r\n\r\ndata: [DONE]\r\n\r\n";
            foreach (var piece in body.Chunk(3))
            {
                await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(piece));
                await http.Response.Body.FlushAsync();
            }
        });

        app.MapPost("/bedrock-corrupt/model/{id}/converse-stream", async (HttpContext http) =>
        {
            http.Response.ContentType = "application/vnd.amazon.eventstream";
            await http.Response.Body.WriteAsync(Providers.Bedrock.EventStreamFrames.Event("messageStart", "{\"role\":\"assistant\"}"));
            var corrupt = Providers.Bedrock.EventStreamFrames.Event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"x\"}}");
            corrupt[^1] ^= 0xFF;
            await http.Response.Body.WriteAsync(corrupt);
        });
        app.MapPost("/bedrock-tiny/model/{id}/converse-stream", async (HttpContext http) =>
        {
            http.Response.ContentType = "application/vnd.amazon.eventstream";
            foreach (var piece in Providers.Bedrock.EventStreamFrames.ToolAnswer().Chunk(3))
            {
                await http.Response.Body.WriteAsync(piece);
                await http.Response.Body.FlushAsync();
            }
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        provider.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return provider;
    }

    public Uri Api(string scenario) => new(BaseAddress, scenario + "/v1");

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
