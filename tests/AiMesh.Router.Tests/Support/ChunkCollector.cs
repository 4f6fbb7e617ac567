using AiMesh.Contracts.Routing;
using MassTransit;

namespace AiMesh.Router.Tests.Support;

/// <summary>Stands in for the ingress instance that holds the client: receives the streamed chunks.</summary>
internal sealed class ChunkCollector(ChunkStore store) : IConsumer<CompletionChunk>
{
    public const string EndpointName = "router-tests-chunks";

    public static readonly Uri Address = new($"queue:{EndpointName}");

    public Task Consume(ConsumeContext<CompletionChunk> context)
    {
        store.Add(context.Message);
        return Task.CompletedTask;
    }
}
