using System.Security.Cryptography;
using AiMesh.Hosting.Secrets;
using AiMesh.Policy.Secrets;
using AiMesh.Policy.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace AiMesh.Policy.Tests.Secrets;

/// <summary>The master key ring: AES-256-GCM sealing bound to the credential, derived key ids, rotation, and settings that fail the start without echoing a key.</summary>
public sealed class MasterKeyRingTests
{
    private static readonly string KeyA = NewKey();
    private static readonly string KeyB = NewKey();

    [Fact]
    public void A_sealed_value_opens_with_its_key_and_the_same_credential_and_is_never_the_same_twice()
    {
        var ring = MasterKeyRing.FromKeys(KeyA);
        var id = Guid.NewGuid();

        var first = ring.Seal("sk-live-value-1234", CredentialSealing.AssociatedData(id));
        var second = ring.Seal("sk-live-value-1234", CredentialSealing.AssociatedData(id));

        Assert.True(ring.TryOpen(first, CredentialSealing.AssociatedData(id), out var value));
        Assert.Equal("sk-live-value-1234", value);
        Assert.NotEqual(first.Ciphertext, second.Ciphertext);
        Assert.Equal(MasterKeyRing.NonceBytes + "sk-live-value-1234".Length + MasterKeyRing.TagBytes, Convert.FromBase64String(first.Ciphertext).Length);
        Assert.Equal(ring.CurrentKeyId, first.KeyId);
    }

    [Fact]
    public void A_ciphertext_copied_onto_another_credential_or_tampered_with_does_not_open()
    {
        var ring = MasterKeyRing.FromKeys(KeyA);
        var sealedValue = ring.Seal("sk-live-value-1234", CredentialSealing.AssociatedData(Guid.NewGuid()));
        var bytes = Convert.FromBase64String(sealedValue.Ciphertext);
        bytes[MasterKeyRing.NonceBytes] ^= 1;

        Assert.False(ring.TryOpen(sealedValue, CredentialSealing.AssociatedData(Guid.NewGuid()), out _));
        Assert.False(ring.TryOpen(sealedValue with { Ciphertext = Convert.ToBase64String(bytes) }, "anything", out _));
        Assert.False(ring.TryOpen(sealedValue with { Ciphertext = "not base64!" }, "anything", out _));
        Assert.False(ring.TryOpen(sealedValue with { Ciphertext = "AAAA" }, "anything", out _));
    }

    [Fact]
    public void The_key_id_is_derived_from_the_key_so_previous_keys_open_what_they_sealed_and_unknown_ones_do_not()
    {
        var a = MasterKeyRing.FromKeys(KeyA);
        var sealedUnderA = a.Seal("value-under-a-0000", "x");
        var rotating = MasterKeyRing.FromKeys(KeyB, KeyA);
        var withoutA = MasterKeyRing.FromKeys(KeyB);

        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Convert.FromBase64String(KeyA), "aimesh-master-key-id"u8.ToArray())[..8]), a.CurrentKeyId);
        Assert.Equal(16, a.CurrentKeyId!.Length);
        Assert.NotEqual(a.CurrentKeyId, rotating.CurrentKeyId);
        Assert.True(rotating.TryOpen(sealedUnderA, "x", out var value));
        Assert.Equal("value-under-a-0000", value);
        Assert.Equal(rotating.CurrentKeyId, rotating.Seal("v", "x").KeyId);
        Assert.False(withoutA.TryOpen(sealedUnderA, "x", out _));
    }

    [Fact]
    public void Keys_come_from_the_environment_or_files_and_nothing_is_configured_without_them()
    {
        var folder = Directory.CreateTempSubdirectory("aimesh-keys-").FullName;
        try
        {
            var current = Path.Combine(folder, "current.key");
            var previous = Path.Combine(folder, "previous.key");
            File.WriteAllText(current, KeyB + "\n");
            File.WriteAllText(previous, KeyA);

            var fromFiles = MasterKeyRing.Load(Configuration([]), new MasterKeyOptions { MasterKeyFile = current, PreviousKeyFiles = [previous] }, "Policy:Secrets");
            var fromEnvironment = MasterKeyRing.Load(
                Configuration(new() { ["AIMESH_MASTER_KEY"] = KeyB, ["AIMESH_PREVIOUS_MASTER_KEYS"] = $"{KeyA} , {NewKey()}" }), new MasterKeyOptions(), "Policy:Secrets");
            var none = MasterKeyRing.Load(Configuration([]), new MasterKeyOptions(), "Policy:Secrets");

            Assert.Equal(MasterKeyRing.FromKeys(KeyB).CurrentKeyId, fromFiles.CurrentKeyId);
            Assert.Equal(2, fromFiles.KeyIds.Count);
            Assert.True(fromFiles.Holds(MasterKeyRing.FromKeys(KeyA).CurrentKeyId!));
            Assert.Equal(3, fromEnvironment.KeyIds.Count);
            Assert.False(none.IsConfigured);
            Assert.Throws<InvalidOperationException>(() => none.Seal("v", "x"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("AIMESH_MASTER_KEY", "c2hvcnQta2V5LW9mLTE4LWJ5dGVz", "must decode to 32 bytes; it decodes to 21")]
    [InlineData("AIMESH_MASTER_KEY", "this is not base64 at all!!", "is not valid base64")]
    [InlineData("AIMESH_PREVIOUS_MASTER_KEYS", "bm90LTMyLWJ5dGVz", "AIMESH_PREVIOUS_MASTER_KEYS (entry 1) must decode to 32 bytes")]
    public async Task A_bad_key_fails_the_start_with_a_message_that_names_the_setting_and_never_the_value(string variable, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { [variable] = value };
        if (variable != "AIMESH_MASTER_KEY")
        {
            settings["AIMESH_MASTER_KEY"] = KeyA;
        }

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => AdminHost.StartAsync(settings));

        var message = failure.ToString();
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, message, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_file_that_cannot_be_read_or_previous_keys_without_a_current_one_fail_the_start()
    {
        var missing = await Assert.ThrowsAnyAsync<Exception>(() => AdminHost.StartAsync(new()
        {
            ["AIMESH_MASTER_KEY"] = "",
            ["Policy:Secrets:MasterKeyFile"] = "/nonexistent/aimesh/master.key",
        }));
        var orphan = await Assert.ThrowsAnyAsync<Exception>(() => AdminHost.StartAsync(new()
        {
            ["AIMESH_MASTER_KEY"] = "",
            ["AIMESH_PREVIOUS_MASTER_KEYS"] = KeyA,
        }));

        Assert.Contains("Policy:Secrets:MasterKeyFile: the key file cannot be read", missing.ToString(), StringComparison.Ordinal);
        Assert.Contains("no current one", orphan.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA, orphan.ToString(), StringComparison.Ordinal);
    }

    internal static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static IConfiguration Configuration(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
