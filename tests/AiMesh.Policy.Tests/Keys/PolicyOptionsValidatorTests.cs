using AiMesh.Policy.Keys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Tests.Keys;

public sealed class PolicyOptionsValidatorTests
{
    private static readonly string Hash = KeyRing.HashOf("secret");

    [Fact]
    public void Keys_given_by_hash_or_by_environment_variable_are_valid()
    {
        var result = Validate(
            KeyRingTests.Key("by-hash", sha256: Hash, models: ["gpt-4o"]),
            KeyRingTests.Key("by-hash-upper", sha256: " " + KeyRing.HashOf("other").ToUpperInvariant() + " ", models: ["*"]),
            KeyRingTests.Key("by-env", env: "SOME_KEY", models: ["*"]));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void No_keys_at_all_is_valid()
    {
        Assert.True(Validate().Succeeded);
    }

    [Theory]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a")]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0")]
    [InlineData("ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("sk-this-is-a-secret-not-a-hash")]
    public void A_hash_that_is_not_64_hex_digits_is_refused(string sha256)
    {
        var result = Validate(KeyRingTests.Key("k", sha256: sha256));

        Assert.Equal(["Policy:Keys:0:Sha256 must be 64 hex digits."], result.Failures);
    }

    [Fact]
    public void A_key_id_used_twice_is_refused()
    {
        var result = Validate(
            KeyRingTests.Key("same", sha256: Hash),
            KeyRingTests.Key("other", sha256: KeyRing.HashOf("b")),
            KeyRingTests.Key("same", sha256: KeyRing.HashOf("c")));

        Assert.Equal(["Policy:Keys:2:Id 'same' is used twice."], result.Failures);
    }

    [Fact]
    public void Two_keys_with_the_same_hash_are_refused()
    {
        // The ring holds one grant per hash: without this check the later key silently takes the earlier key's
        // traffic, billing it to the wrong principal.
        var result = Validate(
            KeyRingTests.Key("ci", sha256: Hash),
            KeyRingTests.Key("prod", sha256: " " + Hash.ToUpperInvariant()));

        Assert.False(result.Succeeded);
        Assert.Contains(result.Failures!, f => f.StartsWith("Policy:Keys:1", StringComparison.Ordinal) && f.Contains("Sha256", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_error_of_every_key_is_reported_at_once()
    {
        var result = Validate(
            new ConfiguredKey { Id = " ", Principal = "", Models = [] },
            KeyRingTests.Key("both", sha256: "not-hex", env: "SOME_KEY"),
            KeyRingTests.Key("fine", sha256: Hash),
            KeyRingTests.Key("fine", sha256: Hash, models: []));

        Assert.Equal(
            [
                "Policy:Keys:0:Id is required.",
                "Policy:Keys:0:Principal is required.",
                "Policy:Keys:0: give exactly one of Sha256 or Env.",
                "Policy:Keys:0:Models must name at least one model or '*'.",
                "Policy:Keys:1: give exactly one of Sha256 or Env.",
                "Policy:Keys:1:Sha256 must be 64 hex digits.",
                "Policy:Keys:3:Id 'fine' is used twice.",
                "Policy:Keys:3:Sha256 is the same key as Policy:Keys:2.",
                "Policy:Keys:3:Models must name at least one model or '*'.",
            ],
            result.Failures);
    }

    [Fact]
    public void An_unknown_store_provider_a_missing_connection_string_and_an_absurd_reload_interval_are_reported_together()
    {
        var options = new PolicyOptions { KeyReloadInterval = TimeSpan.Zero };
        options.Database.Provider = "Mongo";
        options.Database.ConnectionString = " ";

        var result = new PolicyOptionsValidator().Validate(null, options);

        Assert.Equal(
            [
                "Policy:Database:Provider 'Mongo' is not known; use 'Sqlite' or 'Postgres'.",
                "Policy:Database:ConnectionString is required.",
                "Policy:KeyReloadInterval must be between 00:00:01 and 01:00:00.",
            ],
            result.Failures);
    }

    [Fact]
    public async Task A_host_with_an_invalid_policy_section_does_not_start_and_names_every_error()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Policy:Keys:0:Id"] = "a",
            ["Policy:Keys:0:Principal"] = "app",
            ["Policy:Keys:0:Sha256"] = "short",
            ["Policy:Keys:0:Models:0"] = "*",
            ["Policy:Keys:1:Id"] = "a",
            ["Policy:Keys:1:Principal"] = "app",
        });
        new PolicyModule().ConfigureServices(builder);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(
            [
                "Policy:Keys:0:Sha256 must be 64 hex digits.",
                "Policy:Keys:1:Id 'a' is used twice.",
                "Policy:Keys:1: give exactly one of Sha256 or Env.",
                "Policy:Keys:1:Models must name at least one model or '*'.",
            ],
            error.Failures);
    }

    private static ValidateOptionsResult Validate(params ConfiguredKey[] keys) =>
        new PolicyOptionsValidator().Validate(null, new PolicyOptions { Keys = [.. keys] });
}
