using AiMesh.EndToEnd.Tests.Anthropic;
using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests;

/// <summary>The Anthropic surface distributed: a host per service on RabbitMQ and PostgreSQL, two routers and two policies.</summary>
public sealed class DistributedAnthropicTests(DistributedMesh mesh) : AnthropicScenarios<DistributedMesh>(mesh);
