using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Audit;

/// <summary>
/// Walks the whole trail in sequence order and reports every entry that breaks it: one whose content no longer
/// matches its hash (edited), a gap in the numbers (deleted), one that does not name its predecessor's hash (an entry
/// inserted or deleted before it). What a hash chain cannot show on its own: the newest entries removed from the end,
/// or the whole chain recomputed by someone who can write to the table. For those it takes the anchors kept outside
/// the table (<see cref="AuditAnchor"/>): every anchored entry must still be there with the hash it had.
/// </summary>
internal static class AuditVerifier
{
    public static async Task<(long Entries, IReadOnlyList<AuditFinding> Findings)> VerifyAsync(
        PolicyDbContext db,
        IReadOnlyList<(long Sequence, string Hash)> anchors,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(anchors);
        var anchored = anchors.GroupBy(a => a.Sequence).ToDictionary(g => g.Key, g => g.Select(a => a.Hash).Distinct(StringComparer.Ordinal).ToArray());
        var findings = new List<AuditFinding>();
        long entries = 0;
        long previousSequence = 0;
        var previousHash = AuditHash.Genesis;
        await foreach (var entry in db.AuditEvents.OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            entries++;
            var gap = entry.Sequence != previousSequence + 1;
            if (gap)
            {
                findings.Add(new AuditFinding(
                    entry.Sequence,
                    entry.Sequence > previousSequence + 1
                        ? $"entries #{previousSequence + 1}–#{entry.Sequence - 1} are missing (deleted)"
                        : $"out of order after #{previousSequence} (inserted)"));
            }

            if (AuditHash.Of(entry) != entry.Hash)
            {
                findings.Add(new AuditFinding(entry.Sequence, "edited: its content does not match its hash"));
            }

            if (!gap && entry.PreviousHash != previousHash)
            {
                findings.Add(new AuditFinding(entry.Sequence, $"does not follow #{previousSequence}: an entry was inserted, replaced or deleted before it"));
            }

            if (anchored.Remove(entry.Sequence, out var kept) && kept.Any(h => h != entry.Hash))
            {
                findings.Add(new AuditFinding(entry.Sequence, "differs from its anchor outside the database: the chain was rewritten up to here"));
            }

            previousSequence = entry.Sequence;
            previousHash = entry.Hash;
        }

        foreach (var missing in anchored.Keys.Order())
        {
            findings.Add(new AuditFinding(
                missing,
                missing > previousSequence
                    ? $"anchored outside the database but the trail ends at #{previousSequence}: entries were cut off its end"
                    : "anchored outside the database but not in the trail (deleted)"));
        }

        return (entries, findings);
    }
}
