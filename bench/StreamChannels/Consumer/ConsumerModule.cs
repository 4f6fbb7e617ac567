using System.Diagnostics;
using AiMesh.Bench.StreamChannels.Wire;
using AiMesh.Hosting;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AiMesh.Bench.StreamChannels.Consumer;

/// <summary>
/// The ingress's side of both channels as a mesh module, so its bus comes from AiMesh's own MeshBus: the chunk
/// consumer on a temporary endpoint, the direct stream endpoint, and the driver's control API (open a phase, wait
/// for its streams, collect it, read the clock).
/// </summary>
internal sealed class ConsumerModule : IMeshModule
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(120);

    public string Name => "bench-streams-consumer";

    public void ConfigureServices(IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PhaseBoard>();
        builder.Services.AddSingleton<ConsumerEndpoint>();
    }

    public void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ChunkConsumer, ChunkConsumerDefinition>();
        bus.AddReceiveEndpointObserver<ConsumerEndpointObserver>();
    }

    public void MapEndpoints(WebApplication app)
    {
        app.MapGet("/info", (ConsumerEndpoint endpoint, PhaseBoard phases) =>
            new ConsumerInfo(Environment.ProcessId, endpoint.Address, Stopwatch.Frequency, phases.Stray));
        app.MapGet("/clock", () => new ClockReading(Stopwatch.GetTimestamp()));
        app.MapPut("/phase", Results<NoContent, BadRequest> (int chunks, PhaseBoard phases) =>
        {
            if (chunks <= 0)
            {
                return TypedResults.BadRequest();
            }

            phases.Open(chunks);
            return TypedResults.NoContent();
        });
        app.MapGet("/phase/wait", WaitAsync);
        app.MapGet("/phase", Results<Ok<PhaseReceipt>, NotFound> (bool? detail, PhaseBoard phases) =>
            phases.Current is { } phase ? TypedResults.Ok(phase.ToReceipt(detail ?? false)) : TypedResults.NotFound());
        app.MapPost("/direct/{id:guid}", DirectStreamEndpoint.ReceiveAsync);
    }

    /// <summary>Answers true once <paramref name="streams"/> streams of the open phase are complete, false when <paramref name="waitMs"/> passed first.</summary>
    private static async Task<Results<Ok<bool>, NotFound>> WaitAsync(int streams, int? waitMs, PhaseBoard phases, CancellationToken cancellationToken)
    {
        if (phases.Current is not { } phase)
        {
            return TypedResults.NotFound();
        }

        var wait = waitMs is > 0 ? TimeSpan.FromMilliseconds(Math.Min(waitMs.Value, MaxWait.TotalMilliseconds)) : MaxWait;
        return TypedResults.Ok(await phase.WaitForAsync(streams, wait, cancellationToken));
    }
}
