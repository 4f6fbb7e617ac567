using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Admin;

/// <summary>The admin API on the embedded default: policy's routes on the ingress's own port.</summary>
public sealed class EmbeddedAdminTests(EmbeddedMesh mesh) : AdminScenarios<EmbeddedMesh>(mesh);
