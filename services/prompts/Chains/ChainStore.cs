using System.Text.Json;
using AiMesh.Contracts.Prompts;
using AiMesh.Prompts.Store;
using AiMesh.Prompts.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AiMesh.Prompts.Chains;

/// <summary>
/// The chains' reads and writes in the registry's database. A save checks the whole definition first
/// (<see cref="ChainRules"/>, against the prompts as stored now) and then writes it in one statement's worth of work:
/// an insert, or on a lost race or an existing name an update of the row (the last writer wins, as for a PUT).
/// </summary>
internal sealed class ChainStore(PromptsDbContext db, PromptStore prompts, IOptionsMonitor<PromptsOptions> options, TimeProvider time, ILogger<ChainStore> logger)
{
    public async Task<(ChainDetail? Chain, StoreFailure? Failure)> SaveAsync(SaveChain save, CancellationToken cancellationToken)
    {
        var named = new Dictionary<string, StoredPrompt?>(StringComparer.Ordinal);
        foreach (var prompt in (save.Steps ?? []).Select(s => s?.Prompt).OfType<string>().Where(p => p.Length > 0).Distinct(StringComparer.Ordinal))
        {
            named[prompt] = await prompts.FindAsync(prompt, cancellationToken);
        }

        var configured = options.CurrentValue.Templates.Keys.ToHashSet(StringComparer.Ordinal);
        var errors = ChainRules.Check(save.Name, save.Model, save.Steps, named, configured);
        if (errors.Count > 0)
        {
            return (null, new StoreFailure(400, "invalid_chain", string.Join(" ", errors)));
        }

        var steps = save.Steps!.Select(s => s with { Variables = s.Variables ?? new Dictionary<string, string>() }).ToList();
        var record = new ChainRecord
        {
            Name = save.Name,
            OrganizationId = save.OrganizationId,
            Model = save.Model,
            Steps = JsonSerializer.Serialize(steps, StoreJson.Options),
            Updated = time.GetUtcNow(),
            UpdatedBy = save.Author,
        };
        try
        {
            var existing = await db.Chains.SingleOrDefaultAsync(c => c.Name == save.Name, cancellationToken);
            if (existing is null)
            {
                db.Chains.Add(record);
            }
            else
            {
                // The organization stays the chain's: a PUT replaces the steps, never moves a chain to another tenant.
                record.OrganizationId = existing.OrganizationId;
                db.Entry(existing).CurrentValues.SetValues(record);
            }

            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (PromptsDatabase.IsUniqueViolation(e))
        {
            return (null, StoreFailure.Conflict("chain_changed", $"Chain '{save.Name}' was created by another writer meanwhile; send it again."));
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        PromptsLog.ChainSaved(logger, save.Name, steps.Count, save.Author);
        return (ToDetail(record), null);
    }

    public async Task<ChainDetail?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var record = await db.Chains.AsNoTracking().SingleOrDefaultAsync(c => c.Name == name, cancellationToken);
        return record is null ? null : ToDetail(record);
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var deleted = await db.Chains.Where(c => c.Name == name).ExecuteDeleteAsync(cancellationToken) > 0;
        if (deleted)
        {
            PromptsLog.ChainDeleted(logger, name);
        }

        return deleted;
    }

    public static StoreFailure NotFound(string name) => new(404, "chain_not_found", $"No chain named '{name}'.");

    private static ChainDetail ToDetail(ChainRecord r) => new(
        r.Name,
        r.OrganizationId,
        r.Model,
        JsonSerializer.Deserialize<List<ChainStepDetail>>(r.Steps, StoreJson.Options) ?? [],
        r.Updated,
        r.UpdatedBy);
}
