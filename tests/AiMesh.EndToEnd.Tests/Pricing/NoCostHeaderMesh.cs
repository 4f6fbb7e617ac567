namespace AiMesh.EndToEnd.Tests.Pricing;

/// <summary>The pricing mesh with the cost header switched off (<c>Ingress:CostHeader=false</c>).</summary>
public sealed class NoCostHeaderMesh : PricingMesh
{
    protected override IEnumerable<string> Extra => ["--Ingress:CostHeader=false"];
}
