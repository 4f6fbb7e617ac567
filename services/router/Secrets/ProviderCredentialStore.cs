using System.Collections.Frozen;
using AiMesh.Contracts.Secrets;
using AiMesh.Hosting.Secrets;
using AiMesh.Router.Deployments;
using AiMesh.Router.Telemetry;

namespace AiMesh.Router.Secrets;

/// <summary>
/// The stored provider credentials this replica's deployments name, opened into memory (each wrapped in
/// <see cref="ApiKey"/>) and swapped whole: a call reads one immutable map, never a half-applied change. Values come
/// sealed (policy's <see cref="GetProviderCredentials"/> answer and <see cref="ProviderCredentialChanged"/> events) and
/// are opened with the router's own ring; credentials no deployment names are not opened at all. A change older than
/// what is held (a lower version of the same credential) is ignored, and a full answer never undoes a change event
/// applied after it was asked for (<see cref="Mark"/>): the answer may have been read before that change.
/// </summary>
internal sealed class ProviderCredentialStore
{
    private readonly MasterKeyRing ring;
    private readonly FrozenSet<string> wanted;
    private readonly ILogger<ProviderCredentialStore> logger;
    private readonly Lock gate = new();
    private readonly Dictionary<string, long> deletedAt = new(StringComparer.Ordinal);
    private volatile FrozenDictionary<string, Held> held = FrozenDictionary<string, Held>.Empty;
    private long sequence;

    public ProviderCredentialStore(
        DeploymentCatalog catalog, [FromKeyedServices(RouterSecrets.Section)] MasterKeyRing ring, ILogger<ProviderCredentialStore> logger)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        this.ring = ring;
        this.logger = logger;
        wanted = catalog.CredentialNames.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>The names the deployments use; empty when none uses a stored credential (then nothing is ever asked).</summary>
    public IReadOnlyCollection<string> Wanted => wanted;

    /// <summary>Whether a full answer from policy was applied at least once.</summary>
    public bool IsLoaded { get; private set; }

    public int Count => held.Count;

    /// <summary>
    /// The deployment ready to call: itself when it names no stored credential, with the opened key when it does,
    /// null when that credential is not (yet) known here.
    /// </summary>
    public Deployment? Resolve(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.CredentialName is not { } name)
        {
            return deployment;
        }

        return held.TryGetValue(name, out var credential) ? deployment with { ApiKey = credential.Key } : null;
    }

    /// <summary>Taken just before asking policy for everything; <see cref="Replace"/> keeps whatever changed after it.</summary>
    public long Mark()
    {
        lock (gate)
        {
            return sequence;
        }
    }

    /// <summary>Replaces what is held with policy's full answer, asked for at <paramref name="mark"/>.</summary>
    public void Replace(IReadOnlyList<SealedProviderCredential> credentials, long mark)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var answered = credentials.Where(c => wanted.Contains(c.Name)).ToDictionary(c => c.Name, StringComparer.Ordinal);
        lock (gate)
        {
            var next = new Dictionary<string, Held>(StringComparer.Ordinal);
            foreach (var name in wanted)
            {
                held.TryGetValue(name, out var current);
                if (current is not null && current.Sequence > mark)
                {
                    next[name] = current; // an event newer than the answer
                }
                else if (deletedAt.TryGetValue(name, out var deleted) && deleted > mark)
                {
                    // Deleted after the answer was asked for.
                }
                else if (answered.TryGetValue(name, out var credential))
                {
                    var opened = current is not null && current.Id == credential.CredentialId && current.Version == credential.Version
                        ? current
                        : Open(credential.CredentialId, credential.Name, credential.Version, credential.KeyId, credential.Ciphertext, mark);

                    // Unreadable now (e.g. sealed under a key this replica lacks): keep serving what opened before.
                    if ((opened ?? current) is { } kept)
                    {
                        next[name] = kept;
                    }
                }
            }

            foreach (var name in deletedAt.Where(d => d.Value <= mark).Select(d => d.Key).ToList())
            {
                deletedAt.Remove(name);
            }

            held = next.ToFrozenDictionary(StringComparer.Ordinal);
            IsLoaded = true;
            RouterLog.CredentialsLoaded(logger, next.Count, wanted.Count);
        }
    }

    /// <summary>Applies one change event.</summary>
    public void Apply(ProviderCredentialChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!wanted.Contains(change.Name))
        {
            return;
        }

        lock (gate)
        {
            held.TryGetValue(change.Name, out var current);
            if (current is not null && current.Id == change.CredentialId && current.Version > change.Version)
            {
                return;
            }

            var next = new Dictionary<string, Held>(held, StringComparer.Ordinal);
            var at = ++sequence;
            if (change.Deleted)
            {
                if (current is not null && current.Id != change.CredentialId)
                {
                    return;
                }

                next.Remove(change.Name);
                deletedAt[change.Name] = at;
                RouterLog.CredentialRemoved(logger, change.Name);
            }
            else if (change.KeyId is { } keyId && change.Ciphertext is { } ciphertext &&
                     Open(change.CredentialId, change.Name, change.Version, keyId, ciphertext, at) is { } opened)
            {
                next[change.Name] = opened;
                deletedAt.Remove(change.Name);
                RouterLog.CredentialUpdated(logger, change.Name, change.Version);
            }
            else
            {
                return;
            }

            held = next.ToFrozenDictionary(StringComparer.Ordinal);
        }
    }

    private Held? Open(Guid id, string name, long version, string keyId, string ciphertext, long at)
    {
        if (!ring.TryOpen(new SealedSecret(keyId, ciphertext), RouterSecrets.AssociatedData(id), out var value))
        {
            RouterLog.CredentialUnreadable(logger, name, keyId);
            return null;
        }

        return new Held(id, version, new ApiKey(value), at);
    }

    /// <param name="Sequence">When it was learnt: the event's number, or the mark of the answer it came in.</param>
    private sealed record Held(Guid Id, long Version, ApiKey Key, long Sequence);
}
