using AiMesh.EndToEnd.Tests.Anthropic;
using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests;

/// <summary>The Anthropic surface on the embedded default: one process, in-memory bus, SQLite.</summary>
public sealed class EmbeddedAnthropicTests(EmbeddedMesh mesh) : AnthropicScenarios<EmbeddedMesh>(mesh);
