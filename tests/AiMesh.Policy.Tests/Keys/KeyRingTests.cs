using AiMesh.Policy.Keys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Tests.Keys;

public sealed class KeyRingTests
{
    // SHA-256("abc"), the FIPS 180-2 test vector.
    private const string AbcHash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Fact]
    public void HashOf_is_the_lower_case_hex_sha256_of_the_utf8_secret()
    {
        Assert.Equal(AbcHash, KeyRing.HashOf("abc"));
    }

    [Fact]
    public void A_key_given_by_hash_is_found_by_its_hash_whatever_the_configured_case_and_spacing()
    {
        var ring = Ring([Key("k1", sha256: "  " + AbcHash.ToUpperInvariant() + " ", models: ["gpt-4o"])]);

        var grant = ring.Find(AbcHash);

        Assert.NotNull(grant);
        Assert.Equal(("k1", "principal-k1", "team-k1"), (grant.KeyId, grant.Principal, grant.Team));
        Assert.Equal(1, ring.Count);
        Assert.Null(ring.Find(AbcHash.ToUpperInvariant()));
        Assert.Null(ring.Find("abc"));
    }

    [Fact]
    public void A_key_given_by_environment_variable_is_hashed_and_found_by_the_hash_only()
    {
        var ring = Ring([Key("k1", env: "POLICY_TESTS_KEY", models: ["*"])], new() { ["POLICY_TESTS_KEY"] = "sk-from-env" });

        Assert.NotNull(ring.Find(KeyRing.HashOf("sk-from-env")));
        Assert.Null(ring.Find("sk-from-env"));
        Assert.Equal(1, ring.Count);
    }

    [Fact]
    public void A_key_whose_environment_variable_is_unset_admits_nobody()
    {
        var ring = Ring([Key("k1", env: "POLICY_TESTS_UNSET", models: ["*"]), Key("k2", sha256: AbcHash, models: ["*"])]);

        Assert.Equal(1, ring.Count);
        Assert.Equal("k2", ring.Find(AbcHash)!.KeyId);
    }

    [Fact]
    public void A_star_allows_every_model_and_a_list_only_its_own_exact_names()
    {
        var ring = Ring(
        [
            Key("all", sha256: KeyRing.HashOf("all"), models: ["gpt-4o", "*"]),
            Key("some", sha256: KeyRing.HashOf("some"), models: ["gpt-4o", "text-embedding-3-small"]),
        ]);

        var all = ring.Find(KeyRing.HashOf("all"))!;
        Assert.Null(all.Models);
        Assert.True(all.Allows("anything-at-all"));

        var some = ring.Find(KeyRing.HashOf("some"))!;
        Assert.True(some.Allows("gpt-4o"));
        Assert.True(some.Allows("text-embedding-3-small"));
        Assert.False(some.Allows("GPT-4o"));
        Assert.False(some.Allows("gpt-4o-mini"));
        Assert.False(some.Allows("*"));
    }

    internal static ConfiguredKey Key(string id, string? sha256 = null, string? env = null, List<string>? models = null) => new()
    {
        Id = id,
        Principal = "principal-" + id,
        Team = "team-" + id,
        Sha256 = sha256,
        Env = env,
        Models = models ?? ["*"],
    };

    private static KeyRing Ring(List<ConfiguredKey> keys, Dictionary<string, string?>? environment = null) =>
        new(Options.Create(new PolicyOptions { Keys = keys }), new ConfigurationBuilder().AddInMemoryCollection(environment ?? []).Build());
}
