namespace AiMesh.Contracts.Routing;

/// <param name="Api">The surfaces the model serves, e.g. <c>chat.completions</c>, <c>embeddings</c>.</param>
/// <param name="PriceCeiling">
/// The dearest prices among the model's deployments, for a worst-case cost before the call (policy's budget
/// reservations); null when any of its deployments has no price. Never shown to clients.
/// </param>
public sealed record ModelDescription(string Id, string OwnedBy, long Created, IReadOnlyList<string> Api, ModelPriceCeiling? PriceCeiling = null);
