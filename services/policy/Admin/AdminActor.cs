using System.Collections.Frozen;
using AiMesh.Policy.Audit;

namespace AiMesh.Policy.Admin;

/// <summary>
/// Who is calling the admin API: the user owning the key the request carried, with the user's role, organization
/// and teams as stored now, and the models that key may use (null: every model), the ceiling of what it may grant.
/// Likewise <see cref="Regions"/>: the regions the actor's own key may be served in (null: any), the ceiling of the
/// regions it may give a key or team.
/// </summary>
internal sealed record AdminActor(
    Guid UserId,
    Guid OrganizationId,
    string Role,
    FrozenSet<Guid> Teams,
    FrozenSet<string>? Models,
    string? ClientAddress,
    IReadOnlyList<string>? Regions = null)
{
    private const string ItemKey = "aimesh.admin.actor";

    /// <summary>How the actor appears in <c>created_by</c> and the audit trail.</summary>
    public string Name => $"user:{UserId}";

    /// <summary>The actor as the audit trail records it: its name and the client's address.</summary>
    public AuditActor Audit => new(Name, ClientAddress);

    public static AdminActor Of(HttpContext http) =>
        http.Items[ItemKey] as AdminActor ?? throw new InvalidOperationException("The admin endpoint ran without an authenticated actor.");

    public void AttachTo(HttpContext http) => http.Items[ItemKey] = this;
}
