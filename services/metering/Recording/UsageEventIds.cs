using System.Security.Cryptography;

namespace AiMesh.Metering.Recording;

/// <summary>
/// The usage event id is a name-based UUID, version 5 (RFC 9562 §5.5): SHA-1 of a fixed metering namespace and the
/// request id. Every redelivery of a request's RecordUsage computes the same id, so the republished UsageMetered
/// carries the same MessageId; and unlike reusing the request id itself, it can never collide with another
/// message id some other service derives from the same request.
/// </summary>
internal static class UsageEventIds
{
    /// <summary>The namespace of metering's usage event ids. Part of the data: changing it changes every future id.</summary>
    public static readonly Guid Namespace = new("c09b9694-1164-4aa8-9489-6e7a6c2ef840");

    public static Guid For(Guid requestId)
    {
        Span<byte> name = stackalloc byte[16];
        requestId.TryWriteBytes(name, bigEndian: true, out _);
        return NameBased(Namespace, name);
    }

    /// <summary>A version 5 UUID of <paramref name="name"/> in <paramref name="namespaceId"/>.</summary>
    public static Guid NameBased(Guid namespaceId, ReadOnlySpan<byte> name)
    {
        var input = new byte[16 + name.Length];
        namespaceId.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input.AsSpan(16));

        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 9562 defines version 5 with SHA-1; it names an event, it protects nothing.
        SHA1.HashData(input, hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
