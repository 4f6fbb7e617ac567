using System.Collections.Frozen;

namespace AiMesh.Policy.Keys;

/// <param name="Models">Allowed public model names; null allows every model.</param>
internal sealed record KeyGrant(string KeyId, string Principal, string? Team, FrozenSet<string>? Models)
{
    public bool Allows(string model) => Models is null || Models.Contains(model);
}
