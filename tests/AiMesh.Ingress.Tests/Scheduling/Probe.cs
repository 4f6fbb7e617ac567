namespace AiMesh.Ingress.Tests.Scheduling;

/// <summary>A message to schedule.</summary>
public sealed record Probe(int Number);
