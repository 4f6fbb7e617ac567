namespace AiMesh.Bench.BareBus;

/// <summary>The client's request body, carried as-is: the floor parses nothing it does not have to.</summary>
public sealed record CompleteChat(string Body);
