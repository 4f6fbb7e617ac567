using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Routing;

/// <summary>
/// A/B tests and canaries (<c>Router:Models:{model}:Splits</c>). A caller's side is a pure function of (sticky id,
/// model): SHA-256 of the two, read as a number, taken modulo 10,000 basis points. No state, so every replica puts a key
/// on the same side, restarts change nothing, and the shares hold for any number of replicas; widening a canary from 5
/// to 10 % keeps the first 5 % where they were (the sides are cumulative ranges from 0).
/// </summary>
internal sealed class TrafficSplits
{
    public const int Buckets = 10_000;

    private readonly Dictionary<string, Split> splits = new(StringComparer.Ordinal);

    public TrafficSplits(IOptions<RouterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (model, group) in options.Value.Models)
        {
            if (group.Splits.Count == 0)
            {
                continue;
            }

            var upTo = 0;
            var sides = new List<(int UpTo, string Target)>();
            foreach (var split in group.Splits)
            {
                upTo += (int)Math.Round(split.Percent * (Buckets / 100), MidpointRounding.AwayFromZero);
                sides.Add((upTo, split.Target!));
            }

            splits[model] = new Split([.. sides], string.Equals(group.StickyBy, "user", StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <returns>The model the caller's side of <paramref name="model"/>'s splits goes to; null: it stays on the model (or there is no split).</returns>
    public string? Side(string model, RouteCompletion request, JsonObject? body)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!splits.TryGetValue(model, out var split))
        {
            return null;
        }

        var bucket = Bucket(StickyId(request, body, split.ByUser), model);
        foreach (var (upTo, target) in split.Sides)
        {
            if (bucket < upTo)
            {
                return target;
            }
        }

        return null;
    }

    /// <summary>Where (sticky id, model) falls in [0, <see cref="Buckets"/>): the same on every replica, every time.</summary>
    public static int Bucket(string stickyId, string model)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(stickyId + "\n" + model), hash);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % Buckets);
    }

    /// <summary>
    /// The user (the body's <c>user</c>) when splitting by user and the request names one; else the key (its id, or the
    /// principal for callers without a stored key).
    /// </summary>
    private static string StickyId(RouteCompletion request, JsonObject? body, bool byUser) =>
        byUser && body?["user"] is JsonValue user && user.GetValueKind() == JsonValueKind.String && user.GetValue<string>() is { Length: > 0 } id
            ? "user:" + id
            : "key:" + (request.KeyId ?? request.PrincipalId);

    private sealed record Split((int UpTo, string Target)[] Sides, bool ByUser);
}
