using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace AiMesh.Hosting.Secrets;

/// <summary>
/// The master keys of one service: the current one, which seals, and the previous ones, which only open (during a
/// rotation). AES-256-GCM with a fresh random 12-byte nonce per seal and a 16-byte tag; the associated data binds a
/// sealed value to the object it belongs to, so a ciphertext copied onto another row does not open. A key's id is
/// derived from the key (the first 8 bytes of HMAC-SHA256(key, "aimesh-master-key-id"), hex), so it cannot be
/// mislabelled. A ring without a current key (<see cref="IsConfigured"/> false) seals and opens nothing.
/// </summary>
public sealed class MasterKeyRing
{
    public const int KeyBytes = 32;
    public const int NonceBytes = 12;
    public const int TagBytes = 16;

    private static readonly byte[] KeyIdLabel = "aimesh-master-key-id"u8.ToArray();

    private readonly byte[]? current;
    private readonly Dictionary<string, byte[]> keys;

    private MasterKeyRing(byte[]? current, IReadOnlyList<byte[]> previous)
    {
        this.current = current;
        CurrentKeyId = current is null ? null : IdOf(current);
        keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var key in current is null ? previous : [current, .. previous])
        {
            keys.TryAdd(IdOf(key), key);
        }
    }

    /// <summary>A ring with no keys: nothing can be sealed or opened.</summary>
    public static MasterKeyRing Empty { get; } = new(null, []);

    public bool IsConfigured => current is not null;

    /// <summary>The id of the key that seals; null when none is configured.</summary>
    public string? CurrentKeyId { get; }

    /// <summary>The ids of every key that opens, the current one first.</summary>
    public IReadOnlyCollection<string> KeyIds => keys.Keys;

    /// <summary>A ring of the given keys (base64 of 32 bytes each).</summary>
    public static MasterKeyRing FromKeys(string? current, params string[] previous) =>
        new(current is null ? null : Parse(current, "the current master key"), [.. previous.Select((p, i) => Parse(p, $"previous master key {i + 1}"))]);

    /// <summary>
    /// The ring the environment and <paramref name="options"/> describe. Throws <see cref="MasterKeyException"/> with
    /// a message naming the setting (never the value) when a key is not base64 of 32 bytes or a file cannot be read.
    /// Previous keys without a current key are refused: nothing could be sealed, and that is surely a mistake.
    /// </summary>
    public static MasterKeyRing Load(IConfiguration configuration, MasterKeyOptions options, string section)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        byte[]? current = null;
        if (configuration[MasterKeyOptions.CurrentKeyVariable] is { Length: > 0 } fromEnvironment)
        {
            current = Parse(fromEnvironment, MasterKeyOptions.CurrentKeyVariable);
        }
        else if (!string.IsNullOrWhiteSpace(options.MasterKeyFile))
        {
            current = Parse(ReadFile(options.MasterKeyFile, $"{section}:MasterKeyFile"), $"{section}:MasterKeyFile");
        }

        var previous = new List<byte[]>();
        if (configuration[MasterKeyOptions.PreviousKeysVariable] is { Length: > 0 } list)
        {
            var entries = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            for (var i = 0; i < entries.Length; i++)
            {
                previous.Add(Parse(entries[i], $"{MasterKeyOptions.PreviousKeysVariable} (entry {i + 1})"));
            }
        }

        for (var i = 0; i < options.PreviousKeyFiles.Count; i++)
        {
            var setting = $"{section}:PreviousKeyFiles:{i}";
            previous.Add(Parse(ReadFile(options.PreviousKeyFiles[i], setting), setting));
        }

        if (current is null && previous.Count > 0)
        {
            throw new MasterKeyException(
                $"Previous master keys are set but no current one: set {MasterKeyOptions.CurrentKeyVariable} or {section}:MasterKeyFile.");
        }

        return new MasterKeyRing(current, previous);
    }

    /// <summary>The id a key has: hex of the first 8 bytes of HMAC-SHA256(key, "aimesh-master-key-id").</summary>
    public static string IdOf(ReadOnlySpan<byte> key) => Convert.ToHexStringLower(HMACSHA256.HashData(key, KeyIdLabel).AsSpan(0, 8));

    /// <summary>Seals <paramref name="plaintext"/> under the current key, bound to <paramref name="associatedData"/>.</summary>
    public SealedSecret Seal(string plaintext, string associatedData)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(associatedData);
        var key = current ?? throw new InvalidOperationException("No master key is configured.");
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceBytes + clear.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagBytes))
        {
            aes.Encrypt(nonce, clear, sealedBytes.AsSpan(NonceBytes, clear.Length), sealedBytes.AsSpan(NonceBytes + clear.Length), Encoding.UTF8.GetBytes(associatedData));
        }

        CryptographicOperations.ZeroMemory(clear);
        return new SealedSecret(CurrentKeyId!, Convert.ToBase64String(sealedBytes));
    }

    /// <summary>
    /// Opens a sealed value with the key its id names. False when that key is not in the ring, the value is not
    /// well-formed, or the tag does not verify (tampered, or sealed for other associated data).
    /// </summary>
    public bool TryOpen(SealedSecret secret, string associatedData, out string plaintext)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(associatedData);
        plaintext = "";
        var sealedBytes = new byte[secret.Ciphertext.Length];
        if (!keys.TryGetValue(secret.KeyId, out var key) ||
            !Convert.TryFromBase64String(secret.Ciphertext, sealedBytes, out var length) ||
            length < NonceBytes + TagBytes)
        {
            return false;
        }

        var cipherLength = length - NonceBytes - TagBytes;
        var clear = new byte[cipherLength];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(
                sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, cipherLength), sealedBytes.AsSpan(NonceBytes + cipherLength, TagBytes),
                clear, Encoding.UTF8.GetBytes(associatedData));
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }

        plaintext = Encoding.UTF8.GetString(clear);
        CryptographicOperations.ZeroMemory(clear);
        return true;
    }

    /// <summary>Whether a value sealed under <paramref name="keyId"/> can be opened by this ring.</summary>
    public bool Holds(string keyId) => keys.ContainsKey(keyId);

    private static string ReadFile(string path, string setting)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new MasterKeyException($"{setting}: the key file cannot be read ({exception.GetType().Name}).");
        }
    }

    private static byte[] Parse(string value, string setting)
    {
        var text = value.Trim();
        var bytes = new byte[(text.Length * 3 / 4) + 3];
        if (text.Length == 0 || !Convert.TryFromBase64String(text, bytes, out var length))
        {
            throw new MasterKeyException($"{setting} is not valid base64 (it must be the base64 of {KeyBytes} random bytes, e.g. from 'openssl rand -base64 32').");
        }

        if (length != KeyBytes)
        {
            throw new MasterKeyException($"{setting} must decode to {KeyBytes} bytes; it decodes to {length}.");
        }

        return bytes[..KeyBytes];
    }
}
