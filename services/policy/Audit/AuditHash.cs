using System.Security.Cryptography;
using System.Text.Json;

namespace AiMesh.Policy.Audit;

/// <summary>
/// The chain: an entry's hash is the SHA-256 (lower-case hex) of its canonical content (every field but the hash, in a
/// fixed order, as a compact JSON array) ending with the previous entry's hash. The first entry follows
/// <see cref="Genesis"/>. Editing any field, or removing or inserting an entry, breaks the chain from there on.
/// </summary>
internal static class AuditHash
{
    public static readonly string Genesis = new('0', 64);

    public static string Of(AuditEvent entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteNumberValue(entry.Sequence);
            json.WriteNumberValue(entry.OccurredAt.ToUnixTimeMilliseconds());
            json.WriteStringValue(entry.Actor);
            if (entry.OrganizationId is { } organization)
            {
                json.WriteStringValue(organization.ToString("D"));
            }
            else
            {
                json.WriteNullValue();
            }

            json.WriteStringValue(entry.Operation);
            json.WriteStringValue(entry.ObjectType);
            json.WriteStringValue(entry.ObjectId);
            WriteNullable(json, entry.BeforeJson);
            WriteNullable(json, entry.AfterJson);
            WriteNullable(json, entry.ClientAddress);
            json.WriteStringValue(entry.PreviousHash);
            json.WriteEndArray();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    private static void WriteNullable(Utf8JsonWriter json, string? value)
    {
        if (value is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteStringValue(value);
        }
    }
}
