using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Prompts.Store;

/// <summary>
/// Experiments (issue 7): a split of a label's requests between versions. Kept in a file of its own beside the
/// registry's other writes; the same rules hold: one row per label, written in one statement or one transaction.
/// </summary>
internal sealed partial class PromptStore
{
    /// <summary>At most this many versions in one split.</summary>
    public const int MaxSplitVersions = 10;

    /// <summary>
    /// Starts an experiment on <paramref name="label"/>, or replaces the one running there. Every fault of the shares is
    /// named at once (400); the prompt, the label and every version must exist (404). Replacing a split keeps each user's
    /// bucket: a user moves only if the bucket's version changed (see <c>SplitChooser</c>).
    /// </summary>
    public async Task<(StoredSplit? Split, StoreFailure? Failure)> SetSplitAsync(
        string name, string label, IReadOnlyList<SplitShare> shares, string changedBy, CancellationToken cancellationToken)
    {
        if (CheckShares(shares) is { } invalid)
        {
            return (null, invalid);
        }

        var prompt = await db.Prompts.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (prompt is null)
        {
            return (null, StoreFailure.NotFound(name));
        }

        if (!await db.Labels.AnyAsync(l => l.PromptId == prompt.Id && l.Name == label, cancellationToken))
        {
            return (null, LabelNotFound(name, label));
        }

        var numbers = shares.Select(s => s.Version).ToList();
        var existing = await db.Versions.Where(v => v.PromptId == prompt.Id && numbers.Contains(v.Number)).Select(v => v.Number).ToListAsync(cancellationToken);
        if (numbers.FirstOrDefault(n => !existing.Contains(n)) is var missing and > 0)
        {
            return (null, StoreFailure.VersionNotFound(name, missing));
        }

        var changedAt = time.GetUtcNow();
        var versions = JsonSerializer.Serialize(shares, StoreJson.Options);
        for (var attempt = 1; ; attempt++)
        {
            // Update first (the common case once a split runs), insert when there was none; two first writers racing
            // meet on the primary key, and the loser updates over the winner: the last write holds, as for a label move.
            var updated = await db.Splits
                .Where(s => s.PromptId == prompt.Id && s.Label == label)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(x => x.Versions, versions).SetProperty(x => x.ChangedAt, changedAt).SetProperty(x => x.ChangedBy, changedBy),
                    cancellationToken);
            if (updated > 0)
            {
                break;
            }

            db.Splits.Add(new PromptSplitRecord { PromptId = prompt.Id, Label = label, Versions = versions, ChangedAt = changedAt, ChangedBy = changedBy });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                break;
            }
            catch (DbUpdateException e) when (PromptsDatabase.IsUniqueViolation(e) && attempt < Attempts)
            {
                // Another first split came in between: update it.
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }

        PromptsLog.SplitSet(logger, name, label, string.Join(", ", shares.Select(s => $"v{s.Version}:{s.Percent}%")), changedBy);
        return (new StoredSplit(label, shares, changedAt, changedBy), null);
    }

    /// <summary>Ends the experiment on <paramref name="label"/>: its requests get the label's own version again. 404 when none runs.</summary>
    public async Task<StoreFailure?> EndSplitAsync(string name, string label, string endedBy, CancellationToken cancellationToken)
    {
        var prompt = await db.Prompts.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (prompt is null)
        {
            return StoreFailure.NotFound(name);
        }

        var deleted = await db.Splits.Where(s => s.PromptId == prompt.Id && s.Label == label).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            return new StoreFailure(404, "split_not_found", $"Label '{label}' of prompt '{name}' has no experiment running.");
        }

        PromptsLog.SplitEnded(logger, name, label, endedBy);
        return null;
    }

    private async Task<ILookup<Guid, PromptSplitRecord>> SplitsAsync(List<Guid> ids, CancellationToken cancellationToken) =>
        (await db.Splits.AsNoTracking().Where(s => ids.Contains(s.PromptId)).ToListAsync(cancellationToken)).ToLookup(s => s.PromptId);

    private static Dictionary<string, StoredSplit> ToSplits(IEnumerable<PromptSplitRecord> records) =>
        records.ToDictionary(
            s => s.Label,
            s => new StoredSplit(s.Label, JsonSerializer.Deserialize<List<SplitShare>>(s.Versions, StoreJson.Options) ?? [], s.ChangedAt, s.ChangedBy),
            StringComparer.Ordinal);

    /// <summary>Every fault of the shares at once: 1 to 10 distinct versions, each 1 to 100 percent, summing to 100.</summary>
    private static StoreFailure? CheckShares(IReadOnlyList<SplitShare> shares)
    {
        var errors = new List<string>();
        if (shares.Count is 0 or > MaxSplitVersions)
        {
            errors.Add($"A split names 1 to {MaxSplitVersions} versions.");
        }

        if (shares.FirstOrDefault(s => s.Version < 1) is { } badVersion)
        {
            errors.Add($"'{badVersion.Version}' is not a version number.");
        }

        if (shares.FirstOrDefault(s => s.Percent is < 1 or > 100) is { } badPercent)
        {
            errors.Add($"Version {badPercent.Version}'s percent must be 1 to 100, not {badPercent.Percent}.");
        }

        if (shares.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            errors.Add($"Version {twice.Key} is named twice.");
        }

        if (shares.Count > 0 && shares.Sum(s => (long)s.Percent) != 100)
        {
            errors.Add($"The percents must sum to 100, not {shares.Sum(s => (long)s.Percent)}.");
        }

        return errors.Count == 0 ? null : StoreFailure.Invalid(string.Join(" ", errors));
    }

    private static StoreFailure LabelNotFound(string name, string label) =>
        new(404, "label_not_found", $"Prompt '{name}' has no label '{label}'.");
}
