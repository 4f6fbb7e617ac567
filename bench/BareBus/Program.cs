using MassTransit;

namespace AiMesh.Bench.BareBus;

/// <summary>
/// An HTTP front that turns each <c>POST /v1/chat/completions</c> into one MassTransit request/response over
/// RabbitMQ, answered in the same process by <see cref="CompleteChatConsumer"/>. Nothing else: no validation, no
/// policy, no persistence. Run by bench/run.sh with
/// <c>--urls http://127.0.0.1:9300 --BareBus:Upstream=http://127.0.0.1:9200/v1/</c>.
/// </summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        // Configuration read once, not watched: the default watcher covers everything under the content root (for the
        // benchmark, the whole checkout, where the embedded mesh writes its SQLite files), as in MeshHost.CreateBuilder.
        var builder = WebApplication.CreateSlimBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        var upstream = builder.Configuration["BareBus:Upstream"]
            ?? throw new InvalidOperationException("BareBus:Upstream (the mock upstream's /v1/ URL) is required.");
        var broker = new Uri(builder.Configuration["BareBus:RabbitMq"] ?? "amqp://guest:guest@127.0.0.1:5672/");

        builder.Services.AddHttpClient(CompleteChatConsumer.UpstreamClient, c => c.BaseAddress = new Uri(upstream));
        builder.Services.AddMassTransit(bus =>
        {
            // MassTransit 8.4 otherwise reports usage to its vendor's host over the internet.
            bus.DisableUsageTelemetry();
            bus.SetKebabCaseEndpointNameFormatter();
            bus.AddConsumer<CompleteChatConsumer>().Endpoint(e => e.Name = "bench-bare-bus");
            bus.AddRequestClient<CompleteChat>();
            bus.UsingRabbitMq((context, cfg) =>
            {
                var user = broker.UserInfo.Split(':', 2);
                cfg.Host(broker.Host, (ushort)(broker.IsDefaultPort ? 5672 : broker.Port), Uri.UnescapeDataString(broker.AbsolutePath), h =>
                {
                    h.Username(Uri.UnescapeDataString(user[0]));
                    h.Password(user.Length > 1 ? Uri.UnescapeDataString(user[1]) : "");
                });
                // The same prefetch AiMesh's endpoints use (BusOptions.PrefetchCount), so the floor is comparable.
                cfg.PrefetchCount = 64;
                cfg.ConfigureEndpoints(context);
            });
        });

        var app = builder.Build();
        app.MapPost("/v1/chat/completions", async (HttpRequest request, IRequestClient<CompleteChat> client, CancellationToken cancellationToken) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync(cancellationToken);
            var response = await client.GetResponse<ChatCompleted>(new CompleteChat(body), cancellationToken);
            return Results.Text(response.Message.Body, "application/json");
        });
        app.MapGet("/health", () => "ok");
        await app.RunAsync();
    }
}
