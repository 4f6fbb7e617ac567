namespace AiMesh.Bench.StreamChannels.Producer;

/// <summary>One way for the router to get a stream's chunks to the ingress. A send returns when the channel took the last chunk.</summary>
internal interface IChunkChannel
{
    string Name { get; }

    Task SendAsync(Guid streamId, ChunkFeed feed, TimeSpan pace, CancellationToken cancellationToken);
}
