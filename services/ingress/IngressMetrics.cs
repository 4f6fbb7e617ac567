namespace AiMesh.Ingress;

/// <summary>The ingress's meter. Labels stay low-cardinality: no key ids, request ids or error texts.</summary>
internal static class IngressMetrics
{
    public const string MeterName = "AiMesh.Ingress";
}
