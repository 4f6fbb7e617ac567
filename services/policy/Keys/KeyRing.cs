using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Keys;

/// <summary>
/// The configured keys by hash, built once at start: the request path never touches a store. Only hashes are
/// held; a key given through an environment variable is hashed and the secret dropped.
/// </summary>
internal sealed class KeyRing
{
    private readonly FrozenDictionary<string, KeyGrant> _byHash;

    public KeyRing(IOptions<PolicyOptions> options, IConfiguration configuration)
    {
        var grants = new Dictionary<string, KeyGrant>(StringComparer.Ordinal);
        foreach (var key in options.Value.Keys)
        {
            var hash = key.Sha256?.Trim().ToLowerInvariant();
            if (key.Env is { Length: > 0 } env && configuration[env] is { Length: > 0 } secret)
            {
                hash = HashOf(secret);
            }

            if (string.IsNullOrEmpty(hash))
            {
                continue;
            }

            var models = key.Models.Contains("*") ? null : key.Models.ToFrozenSet(StringComparer.Ordinal);
            grants[hash] = new KeyGrant(key.Id, key.Principal, key.Team, models);
        }

        _byHash = grants.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public int Count => _byHash.Count;

    public KeyGrant? Find(string credentialHash) => _byHash.GetValueOrDefault(credentialHash);

    public static string HashOf(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
