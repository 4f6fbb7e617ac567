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
/// what is held (a lower version of the same credential) is ignored.
/// </summary>
internal sealed class ProviderCredentialStore
{
    private readonly MasterKeyRing ring;
    private readonly FrozenSet<string> wanted;
    private readonly ILogger<ProviderCredentialStore> logger;
    private readonly Lock gate = new();
    private volatile FrozenDictionary<string, Held> held = FrozenDictionary<string, Held>.Empty;

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

    /// <summary>Replaces everything held with policy's full answer.</summary>
    public void Replace(IReadOnlyList<SealedProviderCredential> credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var next = new Dictionary<string, Held>(StringComparer.Ordinal);
        foreach (var credential in credentials.Where(c => wanted.Contains(c.Name)))
        {
            if (Open(credential.CredentialId, credential.Name, credential.Version, credential.KeyId, credential.Ciphertext) is { } opened)
            {
                next[credential.Name] = opened;
            }
            else if (held.TryGetValue(credential.Name, out var kept))
            {
                // Unreadable now (e.g. sealed under a key this replica lacks): keep serving what opened before.
                next[credential.Name] = kept;
            }
        }

        lock (gate)
        {
            held = next.ToFrozenDictionary(StringComparer.Ordinal);
            IsLoaded = true;
        }

        RouterLog.CredentialsLoaded(logger, next.Count, wanted.Count);
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
            if (held.TryGetValue(change.Name, out var current) && current.Id == change.CredentialId && current.Version > change.Version)
            {
                return;
            }

            var next = new Dictionary<string, Held>(held, StringComparer.Ordinal);
            if (change.Deleted)
            {
                if (current is not null && current.Id != change.CredentialId)
                {
                    return;
                }

                next.Remove(change.Name);
                RouterLog.CredentialRemoved(logger, change.Name);
            }
            else if (change.KeyId is { } keyId && change.Ciphertext is { } ciphertext &&
                     Open(change.CredentialId, change.Name, change.Version, keyId, ciphertext) is { } opened)
            {
                next[change.Name] = opened;
                RouterLog.CredentialUpdated(logger, change.Name, change.Version);
            }
            else
            {
                return;
            }

            held = next.ToFrozenDictionary(StringComparer.Ordinal);
        }
    }

    private Held? Open(Guid id, string name, long version, string keyId, string ciphertext)
    {
        if (!ring.TryOpen(new SealedSecret(keyId, ciphertext), RouterSecrets.AssociatedData(id), out var value))
        {
            RouterLog.CredentialUnreadable(logger, name, keyId);
            return null;
        }

        return new Held(id, version, new ApiKey(value));
    }

    private sealed record Held(Guid Id, long Version, ApiKey Key);
}
