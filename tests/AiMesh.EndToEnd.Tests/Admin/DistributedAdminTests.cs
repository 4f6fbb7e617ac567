using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Admin;

/// <summary>The admin API distributed: the ingress forwards /admin over HTTP to a policy replica (Ingress:AdminUpstream).</summary>
public sealed class DistributedAdminTests(DistributedMesh mesh) : AdminScenarios<DistributedMesh>(mesh);
