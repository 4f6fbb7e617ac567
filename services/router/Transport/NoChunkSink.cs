using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Transport;

/// <summary>For calls that are not streamed: the transport never produces a chunk for them.</summary>
internal sealed class NoChunkSink : IChunkSink
{
    public static readonly NoChunkSink Instance = new();

    public Task SendAsync(CompletionChunk chunk, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("A call that is not streamed produced a chunk.");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
