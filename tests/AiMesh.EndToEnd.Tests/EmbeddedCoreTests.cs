using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests;

/// <summary>The core scenarios on the embedded default: one process, in-memory bus, SQLite.</summary>
public sealed class EmbeddedCoreTests(EmbeddedMesh mesh) : CoreScenarios<EmbeddedMesh>(mesh);
