using System.Buffers.Text;
using AiMesh.Policy.Keys;

namespace AiMesh.Policy.Tests.Keys;

public sealed class VirtualKeySecretTests
{
    [Fact]
    public void A_secret_is_the_prefix_and_32_random_bytes_in_base64url_and_its_hash_and_display_prefix_derive_from_it()
    {
        var key = VirtualKeySecret.Create();

        Assert.Matches("^sk-aimesh-[A-Za-z0-9_-]{43}$", key.Secret);
        Assert.Equal(32, Base64Url.DecodeFromChars(key.Secret.AsSpan(10)).Length);
        Assert.Equal(KeyRing.HashOf(key.Secret), key.Hash);
        Assert.Equal(key.Secret[..12], key.DisplayPrefix);
        Assert.DoesNotContain(key.Secret, key.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_do_not_repeat_and_every_bit_position_varies()
    {
        var secrets = Enumerable.Range(0, 2000).Select(_ => VirtualKeySecret.Create().Secret).ToArray();

        Assert.Equal(secrets.Length, secrets.Distinct(StringComparer.Ordinal).Count());

        // A constant bit across 2,000 keys would mean fewer than 256 random bits (chance for a fair bit: 2^-1999).
        var ones = new int[256];
        foreach (var secret in secrets)
        {
            var bytes = Base64Url.DecodeFromChars(secret.AsSpan(10));
            for (var bit = 0; bit < 256; bit++)
            {
                ones[bit] += (bytes[bit / 8] >> (bit % 8)) & 1;
            }
        }

        Assert.All(ones, count => Assert.InRange(count, 1, secrets.Length - 1));
    }
}
