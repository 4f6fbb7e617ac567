using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Net;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Keys;

/// <summary>
/// Every usable stored key's grant in memory, by hash: the decision path reads a dictionary and never waits on the
/// database. Loaded whole at start (<see cref="ReloadAllAsync"/>), refreshed key by key when a
/// <see cref="KeyChanged"/> or <see cref="AccessGroupChanged"/> event arrives (every replica gets it on its own
/// queue), and reloaded whole every <see cref="PolicyOptions.KeyReloadInterval"/> in case an event was lost.
/// <b>Bound:</b> a revocation is seen by every replica within the bus latency, at worst the reload interval. The same
/// holds for a team's body-logging flag, tags and regions, which every key of the team carries (<see cref="TeamChanged"/>, <see cref="ReloadTeamAsync"/>).
/// <para>
/// Only enabled, unexpired keys are held; expiry (which is also the end of a rotation's grace) is checked again on
/// every decision. A key refreshed while a whole reload runs is refreshed again after the reload swapped its copy
/// in, so a reload that read the database before a revocation cannot bring the revoked key back.
/// </para>
/// </summary>
internal sealed class StoredKeys(IDbContextFactory<PolicyDbContext> databases, TimeProvider time, ILogger<StoredKeys> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly HashSet<Guid> _touchedWhileLoading = [];
    private readonly HashSet<Guid> _teamsTouchedWhileLoading = [];
    private volatile ConcurrentDictionary<string, KeyGrant> _byHash = new(StringComparer.Ordinal);
    private ConcurrentDictionary<Guid, Entry> _byId = new();
    private ConcurrentDictionary<(Guid Organization, string Name), IReadOnlyList<string>> _groups = new();
    private volatile bool _loaded;
    private bool _loading;

    public bool IsLoaded => _loaded;

    public int Count => _byHash.Count;

    public KeyGrant? Find(string credentialHash) => _byHash.TryGetValue(credentialHash, out var grant) ? grant : null;

    /// <summary>
    /// An access group's models as served now, or null when the organization has none of that name. Verified principals'
    /// grants (<c>Principals/PrincipalGrants.cs</c>) read it per decision, so a changed group applies to them at once.
    /// </summary>
    public IReadOnlyList<string>? AccessGroup(Guid organizationId, string name) =>
        Volatile.Read(ref _groups).TryGetValue((organizationId, name), out var models) ? models : null;

    public void Dispose() => _refreshing.Dispose();

    public async Task ReloadAllAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _loading = true;
            _touchedWhileLoading.Clear();
            _teamsTouchedWhileLoading.Clear();
        }

        Guid[] touched;
        Guid[] touchedTeams;
        try
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var now = time.GetUtcNow();
            var groups = new ConcurrentDictionary<(Guid, string), IReadOnlyList<string>>(
                (await db.ModelAccessGroups.ToListAsync(cancellationToken))
                    .Select(g => KeyValuePair.Create((g.OrganizationId, g.Name), (IReadOnlyList<string>)g.Models)));
            var accountTeams = await db.ServiceAccounts.ToDictionaryAsync(a => a.Id, a => a.TeamId, cancellationToken);
            var teams = (await db.Teams.ToListAsync(cancellationToken)).ToDictionary(t => t.Id, TeamFacts.Of);
            var keys = await db.VirtualKeys
                .Where(k => k.Status == KeyStatus.Enabled && (k.ExpiresAt == null || k.ExpiresAt > now))
                .ToListAsync(cancellationToken);

            var byHash = new ConcurrentDictionary<string, KeyGrant>(Environment.ProcessorCount, keys.Count, StringComparer.Ordinal);
            var byId = new ConcurrentDictionary<Guid, Entry>(Environment.ProcessorCount, keys.Count);
            foreach (var key in keys)
            {
                var accountTeam = accountTeams.GetValueOrDefault(key.OwnerServiceAccountId ?? Guid.Empty);
                if (Build(key, accountTeam, groups, teams.GetValueOrDefault(key.OwnerTeamId ?? accountTeam)) is { } entry)
                {
                    byHash[entry.Hash] = entry.Grant;
                    byId[entry.Id] = entry;
                }
            }

            lock (_gate)
            {
                // A key reloaded on its own while this snapshot was read is newer here than in the snapshot: carried
                // over as it is now, so the swap never hides it (seen: a key created during the start-up load answered
                // 401 until the reload of touched keys below caught up).
                touched = [.. _touchedWhileLoading];
                touchedTeams = [.. _teamsTouchedWhileLoading];
                foreach (var id in touched)
                {
                    if (byId.TryRemove(id, out var stale))
                    {
                        byHash.TryRemove(stale.Hash, out _);
                    }

                    if (_byId.TryGetValue(id, out var current))
                    {
                        byId[id] = current;
                        byHash[current.Hash] = current.Grant;
                    }
                }

                _groups = groups;
                _byHash = byHash;
                _byId = byId;
            }

            _loaded = true;
            PolicyLog.StoredKeysLoaded(logger, byHash.Count);
        }
        finally
        {
            lock (_gate)
            {
                _loading = false;
                _touchedWhileLoading.Clear();
                _teamsTouchedWhileLoading.Clear();
            }
        }

        foreach (var id in touched)
        {
            await ReloadKeyAsync(id, cancellationToken);
        }

        foreach (var team in touchedTeams)
        {
            await ReloadTeamAsync(team, cancellationToken);
        }
    }

    /// <summary>Reads one key again: serves it if it is usable, else drops it.</summary>
    public Task ReloadKeyAsync(Guid keyId, CancellationToken cancellationToken) => RefreshAsync(async db =>
    {
        var key = await db.VirtualKeys.FirstOrDefaultAsync(k => k.Id == keyId, cancellationToken);
        var accountTeam = key?.OwnerServiceAccountId is { } account
            ? await db.ServiceAccounts.Where(a => a.Id == account).Select(a => (Guid?)a.TeamId).FirstOrDefaultAsync(cancellationToken)
            : null;
        var team = key?.OwnerTeamId ?? accountTeam;
        var teamFacts = team is { } teamId && await db.Teams.FirstOrDefaultAsync(t => t.Id == teamId, cancellationToken) is { } found ? TeamFacts.Of(found) : null;
        lock (_gate)
        {
            // Readers do not take the lock: a key that stays usable is overwritten in place, never removed and added
            // back, or a decision between the two would find no key and answer 401 (seen: ResidencyAdminTests, a key
            // read while its own change event refreshed it).
            var entry = key is not null && key.Status == KeyStatus.Enabled && (key.ExpiresAt is null || key.ExpiresAt > time.GetUtcNow())
                ? Build(key, accountTeam ?? Guid.Empty, _groups, teamFacts)
                : null;
            if (entry is not null)
            {
                _byHash[entry.Hash] = entry.Grant;
            }

            if (_byId.TryGetValue(keyId, out var old) && old.Hash != entry?.Hash)
            {
                _byHash.TryRemove(old.Hash, out _);
            }

            if (entry is not null)
            {
                _byId[entry.Id] = entry;
            }
            else
            {
                _byId.TryRemove(keyId, out _);
            }

            if (_loading)
            {
                _touchedWhileLoading.Add(keyId);
            }
        }
    }, cancellationToken);

    /// <summary>Reads one team's settings (body logging, tags, regions) again and re-folds them into every served key of the team.</summary>
    public Task ReloadTeamAsync(Guid teamId, CancellationToken cancellationToken) => RefreshAsync(async db =>
    {
        var found = await db.Teams.FirstOrDefaultAsync(t => t.Id == teamId, cancellationToken);
        var facts = found is null ? null : TeamFacts.Of(found);
        lock (_gate)
        {
            foreach (var entry in _byId.Values.Where(e => e.TeamId == teamId))
            {
                var updated = entry with
                {
                    Grant = entry.Grant with
                    {
                        LogBodies = entry.KeyLogBodies || (facts?.LogBodies ?? false),
                        TeamTags = facts?.Tags,
                        Regions = KeyGrant.EffectiveRegions(entry.KeyRegions, facts?.Regions),
                    },
                };
                _byId[entry.Id] = updated;
                _byHash[entry.Hash] = updated.Grant;
            }

            if (_loading)
            {
                _teamsTouchedWhileLoading.Add(teamId);
            }
        }
    }, cancellationToken);

    /// <summary>Reads one access group again and re-folds it into every served key of its organization that names it.</summary>
    public async Task ReloadAccessGroupAsync(Guid organizationId, string name, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var group = await db.ModelAccessGroups.FirstOrDefaultAsync(g => g.OrganizationId == organizationId && g.Name == name, cancellationToken);
        lock (_gate)
        {
            if (group is null)
            {
                _groups.TryRemove((organizationId, name), out _);
            }
            else
            {
                _groups[(organizationId, name)] = group.Models;
            }

            foreach (var entry in _byId.Values.Where(e => e.OrganizationId == organizationId && e.Groups.Contains(name)))
            {
                var updated = entry with { Grant = entry.Grant with { Models = EffectiveModels(entry.Models, entry.Groups, organizationId, _groups) } };
                _byId[entry.Id] = updated;
                _byHash[entry.Hash] = updated.Grant;
            }
        }
    }

    /// <summary>
    /// Runs one key's or team's refresh alone: each reads the store then applies what it read, so two at once could apply
    /// an older read last (a key read before its team's flag changed, applied after the team's refresh).
    /// </summary>
    private async Task RefreshAsync(Func<PolicyDbContext, Task> refresh, CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            await refresh(db);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private Entry? Build(VirtualKey key, Guid accountTeam, ConcurrentDictionary<(Guid, string), IReadOnlyList<string>> groups, TeamFacts? teamFacts)
    {
        var networks = new List<IPNetwork>(key.IpAllowlist.Count);
        foreach (var entry in key.IpAllowlist)
        {
            if (!KeyNetworks.TryParse(entry, out var network))
            {
                // Fail closed: dropping the entry could leave an empty list, which admits every address.
                PolicyLog.StoredKeyUnreadable(logger, key.DisplayPrefix);
                return null;
            }

            networks.Add(network);
        }

        var (principal, team) = (key.OwnerUserId, key.OwnerTeamId, key.OwnerServiceAccountId) switch
        {
            ({ } user, _, _) => ($"user:{user}", (string?)null),
            (_, { } owner, _) => ($"team:{owner}", owner.ToString()),
            (_, _, { } account) => ($"service_account:{account}", accountTeam == Guid.Empty ? null : accountTeam.ToString()),
            _ => ("", null),
        };
        // The key's id, not its display prefix: a prefix has two random characters and is shared by other keys, and
        // usage and per-key limits must name exactly one key.
        var grant = new KeyGrant(
            key.Id.ToString(),
            principal,
            team,
            EffectiveModels(key.Models, key.AccessGroups, key.OrganizationId, groups),
            key.ExpiresAt,
            networks,
            key.OrganizationId.ToString(),
            key.LogBodies || (teamFacts?.LogBodies ?? false),
            key.Tags.Count > 0 ? key.Tags.ToFrozenDictionary(StringComparer.Ordinal) : null,
            teamFacts?.Tags,
            KeyGrant.EffectiveRegions(key.Regions, teamFacts?.Regions));
        var teamId = key.OwnerTeamId ?? (accountTeam == Guid.Empty ? null : accountTeam);
        return new Entry(key.Id, key.OrganizationId, key.KeyHash, key.Models, key.AccessGroups, grant, teamId, key.LogBodies, key.Regions);
    }

    /// <summary>The key's own models and those of its access groups; null (every model) when any of them is <c>*</c>.</summary>
    private static FrozenSet<string>? EffectiveModels(
        IReadOnlyList<string> models, IReadOnlyList<string> groupNames, Guid organizationId, ConcurrentDictionary<(Guid, string), IReadOnlyList<string>> groups)
    {
        var all = new HashSet<string>(models, StringComparer.Ordinal);
        foreach (var name in groupNames)
        {
            if (groups.TryGetValue((organizationId, name), out var groupModels))
            {
                all.UnionWith(groupModels);
            }
        }

        return all.Contains("*") ? null : all.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <param name="TeamId">The key's team (its own, or its service account's), whose body-logging flag it carries.</param>
    /// <param name="KeyLogBodies">The key's own flag, kept apart from the team's so a team change can be folded in again.</param>
    /// <param name="KeyRegions">The key's own regions, kept apart from the team's for the same reason.</param>
    private sealed record Entry(
        Guid Id, Guid OrganizationId, string Hash, IReadOnlyList<string> Models, IReadOnlyList<string> Groups, KeyGrant Grant, Guid? TeamId, bool KeyLogBodies,
        IReadOnlyList<string> KeyRegions);

    /// <summary>What every key of a team carries from it: body logging, tags (null when none) and regions.</summary>
    private sealed record TeamFacts(bool LogBodies, IReadOnlyDictionary<string, string>? Tags, IReadOnlyList<string> Regions)
    {
        public static TeamFacts Of(Team team) =>
            new(team.LogBodies, team.Tags.Count > 0 ? team.Tags.ToFrozenDictionary(StringComparer.Ordinal) : null, team.Regions);
    }
}
