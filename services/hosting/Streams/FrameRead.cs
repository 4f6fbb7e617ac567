namespace AiMesh.Hosting.Streams;

/// <summary>What <see cref="ChunkFrames.TryRead"/> found.</summary>
public enum FrameRead
{
    NeedMore,
    Frame,
    Invalid,
}
