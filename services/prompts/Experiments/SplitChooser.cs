using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using AiMesh.Prompts.Store;

namespace AiMesh.Prompts.Experiments;

/// <summary>
/// Which version of a split a request gets: a stable hash of (prompt, label, stickiness key) picks one of
/// <see cref="Buckets"/> buckets, and the shares cover the buckets in order (90/10: buckets 0–8999 the first version,
/// 9000–9999 the second). The same user on the same split always lands in the same bucket, on any replica and after
/// any restart, with nothing stored. Buckets are laid out in the split's order, so changing the percents moves only the
/// users whose bucket changes version (10 % → 20 % of the second version keeps the first 10 % where they were).
/// <para>Choice: SHA-256, not a faster non-cryptographic hash, because it is in the framework, stable across processes
/// and versions (string.GetHashCode is not), and one short hash per request costs microseconds.</para>
/// </summary>
internal static class SplitChooser
{
    public const int Buckets = 10_000;

    public static int Bucket(string prompt, string label, string key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{prompt}\n{label}\n{key}"), hash);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % Buckets);
    }

    public static int Choose(IReadOnlyList<SplitShare> shares, int bucket)
    {
        var edge = 0;
        foreach (var share in shares)
        {
            edge += share.Percent * (Buckets / 100);
            if (bucket < edge)
            {
                return share.Version;
            }
        }

        return shares[^1].Version;
    }
}
