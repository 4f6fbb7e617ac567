using AiMesh.Policy.Audit;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Keys.Administration;

/// <summary>
/// Creates, reads, lists, disables and enables, revokes, rotates and changes virtual keys, and defines access groups: the one place the
/// admin API (and later its RBAC checks and audit) calls. Every change is saved first, then applied to this
/// replica's cache at once and announced with <see cref="KeyChanged"/> / <see cref="AccessGroupChanged"/> so every
/// other replica reloads it. Bad input comes back as <see cref="AdminFailureKind.Invalid"/>, never as an exception.
/// <para>
/// The secret is made here, returned once in <see cref="CreatedKey"/> and dropped: only its SHA-256 and display
/// prefix are stored. The <c>actor</c> arguments name who asked (recorded as <c>created_by</c>).
/// </para>
/// </summary>
internal sealed class KeyAdministration(
    IDbContextFactory<PolicyDbContext> databases,
    StoredKeys cache,
    IPublishEndpoint publish,
    TimeProvider time,
    ILogger<KeyAdministration> logger)
{
    public async Task<AdminResult<CreatedKey>> CreateAsync(CreateKey request, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var validation = new KeyValidation();
        validation.Text("actor", actor.Name);
        validation.Owner("owner", request.Owner);
        validation.Names("models", request.Models);
        validation.Names("accessGroups", request.AccessGroups);
        validation.Networks("ipAllowlist", request.IpAllowlist);
        validation.Tags("tags", request.Tags);
        validation.Names("regions", request.Regions);
        validation.Future("expiresAt", request.ExpiresAt, now);
        if (!validation.IsValid)
        {
            return Invalid<CreatedKey>(validation);
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var organization = await OrganizationOfOwnerAsync(db, request.Owner, cancellationToken);
        if (organization is null)
        {
            validation.Add("owner", "no such user, team or service account.");
            return Invalid<CreatedKey>(validation);
        }

        await CheckGroupsExistAsync(db, organization.Value, request.AccessGroups, validation, cancellationToken);
        if (!validation.IsValid)
        {
            return Invalid<CreatedKey>(validation);
        }

        var secret = VirtualKeySecret.Create();
        var key = new VirtualKey
        {
            Id = NewId.NextGuid(),
            KeyHash = secret.Hash,
            DisplayPrefix = secret.DisplayPrefix,
            OrganizationId = organization.Value,
            OwnerUserId = request.Owner.UserId,
            OwnerTeamId = request.Owner.TeamId,
            OwnerServiceAccountId = request.Owner.ServiceAccountId,
            Models = [.. request.Models ?? []],
            AccessGroups = [.. request.AccessGroups ?? []],
            IpAllowlist = [.. request.IpAllowlist ?? []],
            Tags = new Dictionary<string, string>(request.Tags ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            ExpiresAt = request.ExpiresAt?.ToUniversalTime(),
            Status = KeyStatus.Enabled,
            CreatedAt = now,
            CreatedBy = actor.Name,
            UpdatedAt = now,
            LogBodies = request.LogBodies,
            Regions = Regions(request.Regions) ?? [],
        };
        db.VirtualKeys.Add(key);
        await AuditTrail.SaveAsync(db, actor, Change("key.create", key, null), now, cancellationToken);
        await AnnounceAsync([key.Id], cancellationToken);
        PolicyLog.KeyCreated(logger, key.Id, key.DisplayPrefix);
        return new(new CreatedKey(secret.Secret, KeyView.Of(key)), null);
    }

    public async Task<AdminResult<KeyView>> GetAsync(Guid keyId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var key = await db.VirtualKeys.FirstOrDefaultAsync(k => k.Id == keyId, cancellationToken);
        return key is null ? new(null, AdminFailure.NotFound) : new(KeyView.Of(key), null);
    }

    public async Task<AdminResult<KeyPage>> ListAsync(KeyQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var validation = new KeyValidation();
        if (query.Limit is < 1 or > KeyQuery.MaxLimit)
        {
            validation.Add("limit", $"must be between 1 and {KeyQuery.MaxLimit}.");
        }

        if (query.Status is not null && query.Status is not (KeyStatus.Enabled or KeyStatus.Disabled or KeyStatus.Revoked))
        {
            validation.Add("status", $"must be one of {KeyStatus.Enabled}, {KeyStatus.Disabled}, {KeyStatus.Revoked}.");
        }

        if (query.DisplayPrefix is not null)
        {
            validation.Text("displayPrefix", query.DisplayPrefix, VirtualKeySecret.DisplayPrefixLength);
        }

        if (query.Tag is { } wanted && validation.Text("tag", wanted.Key, KeyValidation.MaxTagKeyLength))
        {
            validation.Text("tag", wanted.Value, KeyValidation.MaxTagValueLength);
        }

        if (!validation.IsValid)
        {
            return Invalid<KeyPage>(validation);
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var keys = db.VirtualKeys.AsQueryable();
        if (query.OrganizationId is { } organization)
        {
            keys = keys.Where(k => k.OrganizationId == organization);
        }

        if (query.Owner?.UserId is { } user)
        {
            keys = keys.Where(k => k.OwnerUserId == user);
        }

        if (query.Owner?.TeamId is { } team)
        {
            keys = keys.Where(k => k.OwnerTeamId == team);
        }

        if (query.Owner?.ServiceAccountId is { } account)
        {
            keys = keys.Where(k => k.OwnerServiceAccountId == account);
        }

        if (query.TeamId is { } ofTeam)
        {
            keys = keys.Where(k => k.OwnerTeamId == ofTeam ||
                db.ServiceAccounts.Any(a => a.Id == k.OwnerServiceAccountId && a.TeamId == ofTeam));
        }

        if (query.Status is { } status)
        {
            keys = keys.Where(k => k.Status == status);
        }

        if (query.DisplayPrefix is { } prefix)
        {
            keys = keys.Where(k => k.DisplayPrefix == prefix);
        }

        // Tags are JSON text in the store, matched here rather than by text search in SQL (no escaping to get
        // wrong): read on in batches until a page of matches, or the end, is found.
        var page = new List<VirtualKey>(query.Limit + 1);
        var after = query.After;
        var batch = query.Tag is null ? query.Limit + 1 : Math.Max(query.Limit + 1, 500);
        while (page.Count <= query.Limit)
        {
            var from = after;
            var read = await (from is { } cursor ? keys.Where(k => k.Id.CompareTo(cursor) > 0) : keys)
                .OrderBy(k => k.Id).Take(batch).ToListAsync(cancellationToken);
            page.AddRange(query.Tag is { } tag
                ? read.Where(k => k.Tags.TryGetValue(tag.Key, out var value) && value == tag.Value)
                : read);
            if (read.Count < batch)
            {
                break;
            }

            after = read[^1].Id;
        }

        var more = page.Count > query.Limit;
        var items = page.Take(query.Limit).Select(KeyView.Of).ToList();
        return new(new KeyPage(items, more ? items[^1].Id : null), null);
    }

    /// <summary>Revokes a key for good; it is refused from then on (on other replicas once they got the event). Revoking twice is a no-op.</summary>
    public async Task<AdminResult<KeyView>> RevokeAsync(Guid keyId, AuditActor actor, CancellationToken cancellationToken)
    {
        var validation = new KeyValidation();
        if (!validation.Text("actor", actor.Name))
        {
            return Invalid<KeyView>(validation);
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await AuditTrail.BeginAsync(db, cancellationToken);
        var (key, failure) = await LoadForChangeAsync(db, keyId, validation, whenRevoked: null, cancellationToken);
        if (key is null)
        {
            return new(null, failure);
        }

        if (key.Status != KeyStatus.Revoked)
        {
            var now = time.GetUtcNow();
            var before = KeyView.Of(key);
            key.Status = KeyStatus.Revoked;
            key.RevokedAt = now;
            key.UpdatedAt = now;
            await AuditTrail.SaveAsync(db, actor, Change("key.revoke", key, before), now, cancellationToken);
            PolicyLog.KeyRevoked(logger, key.Id, key.DisplayPrefix);
        }

        await AnnounceAsync([key.Id], cancellationToken);
        return new(KeyView.Of(key), null);
    }

    /// <summary>Disables a key (refused like an unknown one) or enables it again. A revoked key stays revoked.</summary>
    public async Task<AdminResult<KeyView>> SetEnabledAsync(Guid keyId, bool enabled, AuditActor actor, CancellationToken cancellationToken)
    {
        var validation = new KeyValidation();
        if (!validation.Text("actor", actor.Name))
        {
            return Invalid<KeyView>(validation);
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await AuditTrail.BeginAsync(db, cancellationToken);
        var (key, failure) = await LoadForChangeAsync(db, keyId, validation, "a revoked key cannot be enabled or disabled.", cancellationToken);
        if (key is null)
        {
            return new(null, failure);
        }

        var status = enabled ? KeyStatus.Enabled : KeyStatus.Disabled;
        if (key.Status != status)
        {
            var before = KeyView.Of(key);
            key.Status = status;
            key.UpdatedAt = time.GetUtcNow();
            await AuditTrail.SaveAsync(db, actor, Change(enabled ? "key.enable" : "key.disable", key, before), key.UpdatedAt, cancellationToken);
        }

        await AnnounceAsync([key.Id], cancellationToken);
        return new(KeyView.Of(key), null);
    }

    /// <summary>
    /// Makes a new key with the same owner and grant, and lets the old one work until <c>now + grace</c> (its
    /// expiry, or sooner if it already expired earlier). The new key's <c>rotated_from</c> names the old one.
    /// </summary>
    public async Task<AdminResult<CreatedKey>> RotateAsync(Guid keyId, TimeSpan grace, AuditActor actor, CancellationToken cancellationToken)
    {
        var validation = new KeyValidation();
        validation.Text("actor", actor.Name);
        if (grace < TimeSpan.Zero || grace > KeyValidation.MaxRotationGrace)
        {
            validation.Add("grace", $"must be between 0 and {KeyValidation.MaxRotationGrace.TotalDays} days.");
        }

        if (!validation.IsValid)
        {
            return Invalid<CreatedKey>(validation);
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await AuditTrail.BeginAsync(db, cancellationToken);
        var (old, failure) = await LoadForChangeAsync(db, keyId, validation, whenRevoked: null, cancellationToken);
        if (old is null)
        {
            return new(null, failure);
        }

        var now = time.GetUtcNow();
        if (old.Status != KeyStatus.Enabled || old.ExpiresAt <= now)
        {
            validation.Add("key", "only an enabled, unexpired key can be rotated.");
            return Invalid<CreatedKey>(validation);
        }

        var secret = VirtualKeySecret.Create();
        var graceEnds = now + grace;
        var key = new VirtualKey
        {
            Id = NewId.NextGuid(),
            KeyHash = secret.Hash,
            DisplayPrefix = secret.DisplayPrefix,
            OrganizationId = old.OrganizationId,
            OwnerUserId = old.OwnerUserId,
            OwnerTeamId = old.OwnerTeamId,
            OwnerServiceAccountId = old.OwnerServiceAccountId,
            Models = [.. old.Models],
            AccessGroups = [.. old.AccessGroups],
            IpAllowlist = [.. old.IpAllowlist],
            Tags = new Dictionary<string, string>(old.Tags, StringComparer.Ordinal),
            ExpiresAt = old.ExpiresAt,
            Status = KeyStatus.Enabled,
            CreatedAt = now,
            CreatedBy = actor.Name,
            UpdatedAt = now,
            RotatedFrom = old.Id,
            LogBodies = old.LogBodies,
            Regions = [.. old.Regions],
        };
        var before = KeyView.Of(old);
        old.ExpiresAt = old.ExpiresAt is { } expiry && expiry < graceEnds ? expiry : graceEnds;
        old.UpdatedAt = now;
        db.VirtualKeys.Add(key);
        await AuditTrail.SaveAsync(
            db,
            actor,
            new AuditChange("key.rotate", "key", old.Id.ToString(), old.OrganizationId, before, new { Old = KeyView.Of(old), New = KeyView.Of(key) }),
            now,
            cancellationToken);
        await AnnounceAsync([old.Id, key.Id], cancellationToken);
        PolicyLog.KeyRotated(logger, old.Id, key.Id, key.DisplayPrefix);
        return new(new CreatedKey(secret.Secret, KeyView.Of(key)), null);
    }

    /// <summary>Changes a key's models, access groups, expiry, IP allowlist, tags or body logging (null members stay as they are).</summary>
    public async Task<AdminResult<KeyView>> UpdateAsync(Guid keyId, UpdateKey update, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var now = time.GetUtcNow();
        var validation = new KeyValidation();
        validation.Text("actor", actor.Name);
        validation.Names("models", update.Models);
        validation.Names("accessGroups", update.AccessGroups);
        validation.Networks("ipAllowlist", update.IpAllowlist);
        validation.Tags("tags", update.Tags);
        validation.Names("regions", update.Regions);
        validation.Future("expiresAt", update.ExpiresAt, now);
        if (update.RemoveExpiry && update.ExpiresAt is not null)
        {
            validation.Add("expiresAt", "give either an expiry or removeExpiry, not both.");
        }

        if (!validation.IsValid)
        {
            return Invalid<KeyView>(validation);
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await AuditTrail.BeginAsync(db, cancellationToken);
        var (key, failure) = await LoadForChangeAsync(db, keyId, validation, "a revoked key cannot be changed.", cancellationToken);
        if (key is null)
        {
            return new(null, failure);
        }

        await CheckGroupsExistAsync(db, key.OrganizationId, update.AccessGroups, validation, cancellationToken);
        if (!validation.IsValid)
        {
            return Invalid<KeyView>(validation);
        }

        var before = KeyView.Of(key);
        key.Models = update.Models is null ? key.Models : [.. update.Models];
        key.AccessGroups = update.AccessGroups is null ? key.AccessGroups : [.. update.AccessGroups];
        key.IpAllowlist = update.IpAllowlist is null ? key.IpAllowlist : [.. update.IpAllowlist];
        key.Tags = update.Tags is null ? key.Tags : new Dictionary<string, string>(update.Tags, StringComparer.Ordinal);
        key.ExpiresAt = update.RemoveExpiry ? null : update.ExpiresAt?.ToUniversalTime() ?? key.ExpiresAt;
        key.LogBodies = update.LogBodies ?? key.LogBodies;
        key.Regions = Regions(update.Regions) ?? key.Regions;
        key.UpdatedAt = now;
        await AuditTrail.SaveAsync(db, actor, Change("key.update", key, before), now, cancellationToken);
        await AnnounceAsync([key.Id], cancellationToken);
        return new(KeyView.Of(key), null);
    }

    /// <summary>Region names as stored: trimmed, lower case (the router matches them in any case), each once, sorted.</summary>
    public static List<string>? Regions(IReadOnlyList<string>? regions) =>
        regions is null ? null : [.. regions.Select(r => r.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Defines an access group of an organization, or replaces its models.</summary>
    public async Task<AdminResult<AccessGroupView>> DefineAccessGroupAsync(
        Guid organizationId, string name, IReadOnlyList<string> models, AuditActor actor, CancellationToken cancellationToken)
    {
        var validation = new KeyValidation();
        validation.Text("actor", actor.Name);
        validation.Text("name", name);
        validation.Names("models", models);
        if (!validation.IsValid)
        {
            return Invalid<AccessGroupView>(validation);
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await AuditTrail.BeginAsync(db, cancellationToken);
        if (!await db.Organizations.AnyAsync(o => o.Id == organizationId, cancellationToken))
        {
            return new(null, AdminFailure.NotFound);
        }

        var group = await db.ModelAccessGroups.AsTracking()
            .FirstOrDefaultAsync(g => g.OrganizationId == organizationId && g.Name == name, cancellationToken);
        var before = group is null ? null : new AccessGroupView(group.Id, group.OrganizationId, group.Name, [.. group.Models]);
        if (group is null)
        {
            group = new ModelAccessGroup { Id = NewId.NextGuid(), OrganizationId = organizationId, Name = name };
            db.ModelAccessGroups.Add(group);
        }

        group.Models = [.. models];
        group.UpdatedAt = time.GetUtcNow();
        await AuditTrail.SaveAsync(
            db,
            actor,
            new AuditChange("access_group.define", "access_group", group.Id.ToString(), organizationId, before, new AccessGroupView(group.Id, group.OrganizationId, group.Name, group.Models)),
            group.UpdatedAt,
            cancellationToken);

        await cache.ReloadAccessGroupAsync(organizationId, name, cancellationToken);
        await PublishAsync(new AccessGroupChanged(organizationId, name), cancellationToken);
        return new(new AccessGroupView(group.Id, group.OrganizationId, group.Name, group.Models), null);
    }

    private static AuditChange Change(string operation, VirtualKey key, KeyView? before) =>
        new(operation, "key", key.Id.ToString(), key.OrganizationId, before, KeyView.Of(key));

    private static AdminResult<T> Invalid<T>(KeyValidation validation)
        where T : class => new(null, AdminFailure.Invalid(validation.Errors));

    private static async Task<Guid?> OrganizationOfOwnerAsync(PolicyDbContext db, KeyOwner owner, CancellationToken cancellationToken)
    {
        if (owner.UserId is { } user)
        {
            return await db.Users.Where(u => u.Id == user).Select(u => (Guid?)u.OrganizationId).FirstOrDefaultAsync(cancellationToken);
        }

        if (owner.TeamId is { } team)
        {
            return await db.Teams.Where(t => t.Id == team).Select(t => (Guid?)t.OrganizationId).FirstOrDefaultAsync(cancellationToken);
        }

        var account = owner.ServiceAccountId!.Value;
        return await db.ServiceAccounts.Where(a => a.Id == account)
            .Join(db.Teams, a => a.TeamId, t => t.Id, (_, t) => (Guid?)t.OrganizationId)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The key a change applies to, tracked, read inside the caller's open write transaction; or why there is none:
    /// not found, or (when <paramref name="whenRevoked"/> is given) revoked, as a validation error on <c>key</c>.
    /// </summary>
    private static async Task<(VirtualKey? Key, AdminFailure? Failure)> LoadForChangeAsync(
        PolicyDbContext db, Guid keyId, KeyValidation validation, string? whenRevoked, CancellationToken cancellationToken)
    {
        var key = await db.VirtualKeys.AsTracking().FirstOrDefaultAsync(k => k.Id == keyId, cancellationToken);
        if (key is null)
        {
            return (null, AdminFailure.NotFound);
        }

        if (whenRevoked is not null && key.Status == KeyStatus.Revoked)
        {
            validation.Add("key", whenRevoked);
            return (null, AdminFailure.Invalid(validation.Errors));
        }

        return (key, null);
    }

    private static async Task CheckGroupsExistAsync(
        PolicyDbContext db, Guid organizationId, IReadOnlyList<string>? names, KeyValidation validation, CancellationToken cancellationToken)
    {
        if (names is null || names.Count == 0)
        {
            return;
        }

        var wanted = names.Distinct(StringComparer.Ordinal).ToList();
        var known = await db.ModelAccessGroups
            .Where(g => g.OrganizationId == organizationId && wanted.Contains(g.Name))
            .Select(g => g.Name)
            .ToListAsync(cancellationToken);
        foreach (var missing in wanted.Except(known, StringComparer.Ordinal))
        {
            validation.Add("accessGroups", $"no access group '{missing}' in the key's organization.");
        }
    }

    /// <summary>This replica applies the change at once; the others when the event reaches them.</summary>
    private async Task AnnounceAsync(IReadOnlyList<Guid> keyIds, CancellationToken cancellationToken)
    {
        foreach (var id in keyIds)
        {
            await cache.ReloadKeyAsync(id, cancellationToken);
        }

        foreach (var id in keyIds)
        {
            await PublishAsync(new KeyChanged(id), cancellationToken);
        }
    }

    private async Task PublishAsync<T>(T message, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            await publish.Publish(message, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
        {
            // The change is saved and served here; other replicas pick it up with their next full reload (the
            // stated bound's worst case). Failing the call now would tell the operator it did not happen.
            PolicyLog.ChangeNotAnnounced(logger, exception, typeof(T).Name);
        }
    }
}
