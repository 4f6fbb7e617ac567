using System.Text.Json;
using System.Text.RegularExpressions;
using AiMesh.Prompts.Rendering;
using AiMesh.Prompts.Templates;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Prompts.Store;

/// <summary>
/// The registry's writes and reads. Writes never check-then-insert: a name or a version number is taken by a unique
/// key, and a label moves by one <c>UPDATE … WHERE version = expected</c>, so of two writers racing exactly one wins
/// and the other learns it (a conflict, or, for a publish, the next number).
/// </summary>
internal sealed partial class PromptStore(PromptsDbContext db, TimeProvider time, ILogger<PromptStore> logger)
{
    /// <summary>How often a publish or an unconditional label move tries again after losing a race.</summary>
    private const int Attempts = 5;

    public async Task<(StoredPrompt? Prompt, StoreFailure? Failure)> CreateAsync(string name, string? organizationId, CancellationToken cancellationToken)
    {
        if (!ValidName().IsMatch(name))
        {
            return (null, StoreFailure.Invalid($"'{name}' is not a prompt name: 1 to 200 letters, digits, '.', '_' or '-', starting with a letter or digit."));
        }

        var record = new PromptRecord { Id = Guid.NewGuid(), Name = name, OrganizationId = organizationId, Created = time.GetUtcNow() };
        db.Prompts.Add(record);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (PromptsDatabase.IsUniqueViolation(e))
        {
            return (null, StoreFailure.Conflict("prompt_exists", $"A prompt named '{name}' exists."));
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        PromptsLog.PromptCreated(logger, name);
        return (new StoredPrompt(record.Id, name, organizationId, record.Created, [], new Dictionary<string, StoredLabel>()), null);
    }

    /// <summary>Publishes the next version (1 for the first). Its messages must pass <see cref="TemplateChecks"/>; a failing version is never stored.</summary>
    public async Task<(StoredVersion? Version, StoreFailure? Failure)> PublishAsync(string name, VersionDraft draft, CancellationToken cancellationToken)
    {
        if (await CheckAsync(draft) is { } invalid)
        {
            return (null, invalid);
        }

        var prompt = await db.Prompts.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (prompt is null)
        {
            return (null, StoreFailure.NotFound(name));
        }

        for (var attempt = 1; ; attempt++)
        {
            var last = await db.Versions.Where(v => v.PromptId == prompt.Id).MaxAsync(v => (int?)v.Number, cancellationToken) ?? 0;
            var record = new PromptVersionRecord
            {
                PromptId = prompt.Id,
                Number = last + 1,
                Messages = JsonSerializer.Serialize(draft.Messages, StoreJson.Options),
                Variables = JsonSerializer.Serialize(draft.Variables, StoreJson.Options),
                VariablesSchema = draft.VariablesSchema,
                Model = draft.Model,
                Parameters = draft.Parameters,
                Author = draft.Author,
                Message = draft.Message,
                Created = time.GetUtcNow(),
            };
            db.Versions.Add(record);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                PromptsLog.VersionPublished(logger, name, record.Number, draft.Author);
                return (ToVersion(record, await SchemasAsync([record])), null);
            }
            catch (DbUpdateException e) when (PromptsDatabase.IsUniqueViolation(e) && attempt < Attempts)
            {
                // Another publish took this number: take the next.
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// Points <paramref name="label"/> at <paramref name="version"/>. With <paramref name="expectedVersion"/> the move
    /// happens only if the label points there now (0: only if the label does not exist yet); otherwise a 409. Without
    /// it the move is made over whatever the label points at, one conditional update still, so the history records
    /// exactly which version each move replaced.
    /// </summary>
    public async Task<(StoredLabel? Label, StoreFailure? Failure)> MoveLabelAsync(
        string name, string label, int version, int? expectedVersion, string movedBy, CancellationToken cancellationToken) =>
        await MoveAsync(name, label, version, expectedVersion, movedBy, rollback: false, cancellationToken);

    /// <summary>
    /// Moves <paramref name="label"/> back to the version it pointed at before its current one: the origin of the last
    /// move to the current version that was not itself a rollback, so rolling back twice goes back two versions.
    /// </summary>
    public async Task<(StoredLabel? Label, StoreFailure? Failure)> RollbackAsync(string name, string label, string movedBy, CancellationToken cancellationToken)
    {
        var prompt = await db.Prompts.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (prompt is null)
        {
            return (null, StoreFailure.NotFound(name));
        }

        var current = await db.Labels.AsNoTracking().SingleOrDefaultAsync(l => l.PromptId == prompt.Id && l.Name == label, cancellationToken);
        if (current is null)
        {
            return (null, new StoreFailure(404, "label_not_found", $"Prompt '{name}' has no label '{label}'."));
        }

        var previous = await db.LabelMoves.AsNoTracking()
            .Where(m => m.PromptId == prompt.Id && m.Label == label && m.ToVersion == current.Version && !m.Rollback && m.FromVersion != null)
            .OrderByDescending(m => m.Id)
            .Select(m => m.FromVersion)
            .FirstOrDefaultAsync(cancellationToken);
        return previous is not { } target
            ? (null, StoreFailure.Conflict("no_earlier_version", $"Label '{label}' of prompt '{name}' has no earlier version to go back to."))
            : await MoveAsync(name, label, target, current.Version, movedBy, rollback: true, cancellationToken);
    }

    public async Task<StoredPrompt?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var prompt = await db.Prompts.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        return prompt is null ? null : (await LoadAsync([prompt], cancellationToken))[0];
    }

    /// <summary>A page of prompts by name, and how many there are.</summary>
    public async Task<(IReadOnlyList<StoredPrompt> Prompts, int Total)> ListAsync(string? organizationId, int skip, int take, CancellationToken cancellationToken)
    {
        var query = db.Prompts.AsNoTracking();
        if (organizationId is not null)
        {
            query = query.Where(p => p.OrganizationId == organizationId);
        }

        var total = await query.CountAsync(cancellationToken);
        var page = await query.OrderBy(p => p.Name).Skip(skip).Take(take).ToListAsync(cancellationToken);
        return (await LoadAsync(page, cancellationToken), total);
    }

    /// <summary>Every prompt with its versions and labels: the catalog's full reload.</summary>
    public async Task<IReadOnlyList<StoredPrompt>> LoadAllAsync(CancellationToken cancellationToken) =>
        await LoadAsync(await db.Prompts.AsNoTracking().ToListAsync(cancellationToken), cancellationToken);

    private async Task<(StoredLabel? Label, StoreFailure? Failure)> MoveAsync(
        string name, string label, int version, int? expectedVersion, string movedBy, bool rollback, CancellationToken cancellationToken)
    {
        if (!ValidLabel().IsMatch(label))
        {
            return (null, StoreFailure.Invalid($"'{label}' is not a label name: 1 to 100 letters, digits, '.', '_' or '-'."));
        }

        var prompt = await db.Prompts.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name, cancellationToken);
        if (prompt is null)
        {
            return (null, StoreFailure.NotFound(name));
        }

        if (!await db.Versions.AnyAsync(v => v.PromptId == prompt.Id && v.Number == version, cancellationToken))
        {
            return (null, StoreFailure.VersionNotFound(name, version));
        }

        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var expected = expectedVersion;
            if (expected is null)
            {
                var now = await db.Labels.AsNoTracking()
                    .Where(l => l.PromptId == prompt.Id && l.Name == label)
                    .Select(l => (int?)l.Version)
                    .SingleOrDefaultAsync(cancellationToken);
                expected = now ?? 0;
            }

            var moved = await TryMoveAsync(prompt.Id, label, expected.Value, version, movedBy, rollback, cancellationToken);
            if (moved is not null)
            {
                PromptsLog.LabelMoved(logger, name, label, expected == 0 ? null : expected, version, movedBy, rollback);
                return (moved, null);
            }

            if (expectedVersion is not null)
            {
                return (null, StoreFailure.Conflict(
                    "label_moved",
                    expectedVersion == 0
                        ? $"Label '{label}' of prompt '{name}' exists already; name the version it points at as expectedVersion."
                        : $"Label '{label}' of prompt '{name}' no longer points at version {expectedVersion}: another move came first."));
            }
        }

        return (null, StoreFailure.Conflict("label_moved", $"Label '{label}' of prompt '{name}' kept moving under other writers; try again."));
    }

    /// <summary>One move: the label row (inserted for <paramref name="expected"/> 0, else updated where it points at <paramref name="expected"/>) and its history row, in one transaction; null when another writer came first.</summary>
    private async Task<StoredLabel?> TryMoveAsync(Guid promptId, string label, int expected, int version, string movedBy, bool rollback, CancellationToken cancellationToken)
    {
        var movedAt = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            if (expected == 0)
            {
                db.Labels.Add(new PromptLabelRecord { PromptId = promptId, Name = label, Version = version, MovedAt = movedAt, MovedBy = movedBy });
                await db.SaveChangesAsync(cancellationToken);
            }
            else
            {
                // The write comes first in the transaction: on SQLite it takes the write lock before anything is read,
                // so a concurrent move waits for it instead of failing on a stale snapshot.
                var updated = await db.Labels
                    .Where(l => l.PromptId == promptId && l.Name == label && l.Version == expected)
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(l => l.Version, version).SetProperty(l => l.MovedAt, movedAt).SetProperty(l => l.MovedBy, movedBy),
                        cancellationToken);
                if (updated == 0)
                {
                    return null;
                }
            }

            db.LabelMoves.Add(new LabelMoveRecord
            {
                PromptId = promptId,
                Label = label,
                FromVersion = expected == 0 ? null : expected,
                ToVersion = version,
                Rollback = rollback,
                MovedAt = movedAt,
                MovedBy = movedBy,
            });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new StoredLabel(label, version, movedAt, movedBy);
        }
        catch (DbUpdateException e) when (PromptsDatabase.IsUniqueViolation(e))
        {
            // The label was created by another writer meanwhile.
            return null;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    public async Task<IReadOnlyList<StoredPrompt>> LoadAsync(List<PromptRecord> prompts, CancellationToken cancellationToken)
    {
        if (prompts.Count == 0)
        {
            return [];
        }

        var ids = prompts.Select(p => p.Id).ToList();

        // Labels first, then versions: versions are only ever added and a label only points at a published one, so
        // every version a label read here points at is among the versions read after it, without a transaction.
        var labels = (await db.Labels.AsNoTracking().Where(l => ids.Contains(l.PromptId)).ToListAsync(cancellationToken))
            .ToLookup(l => l.PromptId);
        var read = await db.Versions.AsNoTracking().Where(v => ids.Contains(v.PromptId)).ToListAsync(cancellationToken);
        var splits = await SplitsAsync(ids, cancellationToken);
        var schemas = await SchemasAsync(read);
        var versions = read.ToLookup(v => v.PromptId);
        return prompts
            .Select(p => new StoredPrompt(
                p.Id,
                p.Name,
                p.OrganizationId,
                p.Created,
                versions[p.Id].OrderBy(v => v.Number).Select(v => ToVersion(v, schemas)).ToList(),
                labels[p.Id].ToDictionary(l => l.Name, l => new StoredLabel(l.Name, l.Version, l.MovedAt, l.MovedBy), StringComparer.Ordinal))
            {
                Splits = ToSplits(splits[p.Id]),
            })
            .ToList();
    }

    /// <summary>
    /// Each distinct schema text parsed once. A publish refuses a schema that does not parse, so every stored one does;
    /// should one not (a stored row written by hand), it is left out and the version renders unchecked, logged.
    /// </summary>
    private async Task<Dictionary<string, VariableSchema>> SchemasAsync(IEnumerable<PromptVersionRecord> versions)
    {
        var schemas = new Dictionary<string, VariableSchema>(StringComparer.Ordinal);
        foreach (var text in versions.Select(v => v.VariablesSchema).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var (schema, error) = await VariableSchema.ParseAsync(text);
            if (schema is not null)
            {
                schemas[text] = schema;
            }
            else
            {
                PromptsLog.SchemaUnreadable(logger, error ?? "");
            }
        }

        return schemas;
    }

    private static StoredVersion ToVersion(PromptVersionRecord v, Dictionary<string, VariableSchema> schemas) => new(
        v.Number,
        JsonSerializer.Deserialize<List<PromptMessage>>(v.Messages, StoreJson.Options) ?? [],
        JsonSerializer.Deserialize<List<string>>(v.Variables, StoreJson.Options) ?? [],
        v.VariablesSchema,
        v.VariablesSchema is { } text && schemas.TryGetValue(text, out var schema) ? schema : null,
        v.Model,
        v.Parameters,
        v.Author,
        v.Message,
        v.Created);

    /// <summary>Every fault of a draft at once, as one 400.</summary>
    private static async Task<StoreFailure?> CheckAsync(VersionDraft draft)
    {
        var errors = new List<string>();
        if (draft.Messages.Count == 0)
        {
            errors.Add("A version needs at least one message.");
        }

        if (draft.Variables.FirstOrDefault(v => !ValidVariable().IsMatch(v)) is { } badVariable)
        {
            errors.Add($"'{badVariable}' is not a variable name.");
        }

        errors.AddRange(TemplateChecks.Check(draft.Messages.Select(m => (m.Role, m.Content)), draft.Variables));
        if (draft.Parameters is { } parameters && !IsJsonObject(parameters))
        {
            errors.Add("Parameters must be a JSON object.");
        }

        if (draft.VariablesSchema is { } schema && (await VariableSchema.ParseAsync(schema)).Error is { } schemaError)
        {
            errors.Add(schemaError);
        }

        if (string.IsNullOrWhiteSpace(draft.Author))
        {
            errors.Add("A version needs an author.");
        }

        return errors.Count == 0 ? null : StoreFailure.Invalid(string.Join(" ", errors));
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")]
    private static partial Regex ValidName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex ValidLabel();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,99}$")]
    private static partial Regex ValidVariable();
}
