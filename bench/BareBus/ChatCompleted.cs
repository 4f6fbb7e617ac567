namespace AiMesh.Bench.BareBus;

/// <summary>The upstream's response body, returned to the client unchanged.</summary>
public sealed record ChatCompleted(string Body);
