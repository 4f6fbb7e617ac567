using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AiMesh.Contracts.Prompts;
using AiMesh.Prompts.Rendering;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Prompts.Store;

/// <summary>
/// Prompts published as APIs (<c>prompt_apis</c>, issue 7). An API is a setting of its prompt, one row per prompt, so
/// publishing again replaces it. What it runs is resolved when it is read (<see cref="PromptApiDetail.CurrentVersion"/>:
/// the label's version now, or the pinned one), so a moved label moves the API with it and nothing here goes stale.
/// </summary>
internal sealed partial class PromptApiStore(PromptsDbContext db, PromptStore prompts, TimeProvider time, ILogger<PromptApiStore> logger)
{
    public const string DefaultLabel = "production";

    public async Task<(PromptApiDetail? Api, StoreFailure? Failure)> SetAsync(SetPromptApi set, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (await CheckAsync(set) is { } invalid)
        {
            return (null, invalid);
        }

        var prompt = await prompts.FindAsync(set.Name, cancellationToken);
        if (prompt is null)
        {
            return (null, StoreFailure.NotFound(set.Name));
        }

        var label = set.Version is null ? set.Label ?? DefaultLabel : null;
        var (version, missing) = Resolve(prompt, label, set.Version);
        if (version is null)
        {
            return (null, missing);
        }

        if ((set.Model ?? version.Model) is null)
        {
            return (null, StoreFailure.Invalid(
                $"The API needs a model: version {version.Number} of prompt '{set.Name}' names none, so set 'model'."));
        }

        var record = await db.Apis.SingleOrDefaultAsync(a => a.PromptId == prompt.Id, cancellationToken);
        if (record is null)
        {
            record = new PromptApiRecord { PromptId = prompt.Id };
            db.Apis.Add(record);
        }

        record.Path = set.Path;
        record.Label = label;
        record.Version = set.Version;
        record.Model = set.Model;
        record.Output = set.Output;
        record.OutputSchema = set.Output == "json" ? set.OutputSchema : null;
        record.RequestsPerMinute = set.RequestsPerMinute;
        record.Enabled = set.Enabled;
        record.Updated = time.GetUtcNow();
        record.UpdatedBy = set.UpdatedBy;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (PromptsDatabase.IsUniqueViolation(e))
        {
            return (null, set.Path is { } path
                ? StoreFailure.Conflict("path_taken", $"The path '{path}' serves another prompt's API.")
                : StoreFailure.Conflict("prompt_api_changed", $"The API of prompt '{set.Name}' was changed meanwhile; try again."));
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        PromptsLog.ApiSet(logger, set.Name, record.Enabled, set.UpdatedBy);
        return (Detail(prompt, record), null);
    }

    public async Task<PromptApiDetail?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var prompt = await prompts.FindAsync(name, cancellationToken);
        if (prompt is null)
        {
            return null;
        }

        var record = await db.Apis.AsNoTracking().SingleOrDefaultAsync(a => a.PromptId == prompt.Id, cancellationToken);
        return record is null ? null : Detail(prompt, record);
    }

    /// <summary>Withdraws the API; what it was, or null when there was none.</summary>
    public async Task<PromptApiDetail?> DeleteAsync(string name, string deletedBy, CancellationToken cancellationToken)
    {
        var api = await FindAsync(name, cancellationToken);
        if (api is null)
        {
            return null;
        }

        var prompt = await db.Prompts.AsNoTracking().SingleAsync(p => p.Name == name, cancellationToken);
        var deleted = await db.Apis.Where(a => a.PromptId == prompt.Id).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            return null;
        }

        PromptsLog.ApiDeleted(logger, name, deletedBy);
        return api;
    }

    /// <summary>Every API with what it runs now, by name.</summary>
    public async Task<IReadOnlyList<PromptApiDetail>> ListAsync(CancellationToken cancellationToken)
    {
        var records = await db.Apis.AsNoTracking().ToListAsync(cancellationToken);
        if (records.Count == 0)
        {
            return [];
        }

        var byId = records.ToDictionary(r => r.PromptId);
        var all = await prompts.LoadAllAsync(cancellationToken);
        return all.Where(p => byId.ContainsKey(p.Id))
            .Select(p => Detail(p, byId[p.Id]))
            .OrderBy(a => a.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// A page of APIs by prompt name (of one organization's prompts when <paramref name="organizationId"/> is set) with
    /// what each runs now, and how many there are: the admin list. Only the page's prompts are read, not the registry.
    /// </summary>
    public async Task<(IReadOnlyList<PromptApiDetail> Apis, int Total)> PageAsync(string? organizationId, int skip, int take, CancellationToken cancellationToken)
    {
        var query = db.Apis.AsNoTracking().Join(db.Prompts.AsNoTracking(), a => a.PromptId, p => p.Id, (api, prompt) => new { api, prompt });
        if (organizationId is not null)
        {
            query = query.Where(x => x.prompt.OrganizationId == organizationId);
        }

        var total = await query.CountAsync(cancellationToken);
        var page = await query.OrderBy(x => x.prompt.Name).Skip(skip).Take(take).ToListAsync(cancellationToken);
        var loaded = (await prompts.LoadAsync([.. page.Select(x => x.prompt)], cancellationToken)).ToDictionary(p => p.Id);
        return ([.. page.Select(x => Detail(loaded[x.prompt.Id], x.api))], total);
    }

    private static (StoredVersion? Version, StoreFailure? Failure) Resolve(StoredPrompt prompt, string? label, int? number)
    {
        if (number is { } n)
        {
            return prompt.Version(n) is { } pinned ? (pinned, null) : (null, StoreFailure.VersionNotFound(prompt.Name, n));
        }

        return prompt.Labels.TryGetValue(label!, out var pointed) && prompt.Version(pointed.Version) is { } followed
            ? (followed, null)
            : (null, new StoreFailure(404, "label_not_found", $"Prompt '{prompt.Name}' has no label '{label}'."));
    }

    private static PromptApiDetail Detail(StoredPrompt prompt, PromptApiRecord record)
    {
        var (version, _) = Resolve(prompt, record.Label, record.Version);
        return new PromptApiDetail(
            prompt.Name,
            record.Path,
            record.Label,
            record.Version,
            record.Model,
            record.Output,
            record.OutputSchema,
            record.RequestsPerMinute,
            record.Enabled,
            record.Updated,
            record.UpdatedBy,
            version?.Number,
            record.Model ?? version?.Model,
            version is null ? null : InputSchema(version));
    }

    /// <summary>The version's variable schema; without one, an object of its variables, each a required string (what the templates expect).</summary>
    public static string InputSchema(StoredVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (version.VariablesSchema is { } declared)
        {
            return declared;
        }

        var properties = new JsonObject();
        foreach (var name in version.Variables)
        {
            properties[name] = new JsonObject { ["type"] = "string" };
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = new JsonArray([.. version.Variables.Select(v => (JsonNode?)JsonValue.Create(v))]),
        }.ToJsonString();
    }

    /// <summary>Every fault of the setting at once, as one 400.</summary>
    private static async Task<StoreFailure?> CheckAsync(SetPromptApi set)
    {
        var errors = new List<string>();
        if (set.Output is not ("text" or "json"))
        {
            errors.Add("output must be 'text' or 'json'.");
        }

        if (set.OutputSchema is { } schema)
        {
            if (set.Output != "json")
            {
                errors.Add("outputSchema applies to output 'json' only.");
            }
            else if ((await VariableSchema.ParseAsync(schema)).Error is { } schemaError)
            {
                errors.Add("outputSchema: " + schemaError.Replace("variable schema", "output schema", StringComparison.Ordinal));
            }
        }

        if (set.Path is { } path && !ValidPath().IsMatch(path))
        {
            errors.Add($"'{path}' is not an API path: '/apis/' then up to 200 characters in all: letters, digits, '.', '_', '-' or '/' (no '//', no trailing '/').");
        }

        if (set.Label is not null && set.Version is not null)
        {
            errors.Add("Name a label or a version to follow, not both.");
        }

        if (set.Version is < 1)
        {
            errors.Add("version must be 1 or more.");
        }

        if (set.RequestsPerMinute is < 1)
        {
            errors.Add("requestsPerMinute must be 1 or more.");
        }

        if (string.IsNullOrWhiteSpace(set.UpdatedBy))
        {
            errors.Add("An API change needs an author.");
        }

        return errors.Count == 0 ? null : StoreFailure.Invalid(string.Join(" ", errors));
    }

    [GeneratedRegex("^(?=.{7,200}$)/apis/[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")]
    private static partial Regex ValidPath();
}
