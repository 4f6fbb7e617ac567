namespace AiMesh.Policy.Audit;

/// <summary>Something wrong with the trail at one entry (by sequence number).</summary>
internal sealed record AuditFinding(long Sequence, string Problem)
{
    public override string ToString() => $"entry #{Sequence}: {Problem}";
}
