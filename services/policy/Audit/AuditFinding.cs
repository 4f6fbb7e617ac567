namespace AiMesh.Policy.Audit;

/// <summary>Something wrong with the trail at one entry (by sequence number; 0 when it is about no one entry).</summary>
internal sealed record AuditFinding(long Sequence, string Problem)
{
    public override string ToString() => Sequence == 0 ? Problem : $"entry #{Sequence}: {Problem}";
}
