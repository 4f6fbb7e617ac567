namespace AiMesh.Policy.Audit;

/// <summary>Who makes a change, as the audit trail records it, and from which address.</summary>
internal sealed record AuditActor(string Name, string? ClientAddress = null)
{
    /// <summary>A name alone (a test, a command): no client address.</summary>
    public static implicit operator AuditActor(string name) => FromName(name);

    public static AuditActor FromName(string name) => new(name);

    public override string ToString() => Name;
}
