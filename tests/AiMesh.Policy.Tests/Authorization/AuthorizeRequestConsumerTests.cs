using AiMesh.Contracts;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Routing;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Tests.Support;

namespace AiMesh.Policy.Tests.Authorization;

public sealed class AuthorizeRequestConsumerTests
{
    private const string OpenSecret = "sk-open-2c9f1a7e5b";
    private const string NarrowSecret = "sk-narrow-8d3e6f0a41";
    private const string EnvSecret = "sk-env-77b1c0d9e2";
    private const string EnvVariable = "POLICY_TESTS_ENV_KEY";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        [EnvVariable] = EnvSecret,
        ["Policy:Keys:0:Id"] = "open",
        ["Policy:Keys:0:Principal"] = "app-open",
        ["Policy:Keys:0:Team"] = "team-a",
        ["Policy:Keys:0:Sha256"] = KeyRing.HashOf(OpenSecret),
        ["Policy:Keys:0:Models:0"] = "*",
        ["Policy:Keys:1:Id"] = "narrow",
        ["Policy:Keys:1:Principal"] = "app-narrow",
        ["Policy:Keys:1:Sha256"] = KeyRing.HashOf(NarrowSecret),
        ["Policy:Keys:1:Models:0"] = "text-embedding-3-small",
        ["Policy:Keys:1:Models:1"] = "gpt-4o-mini",
        ["Policy:Keys:1:Models:2"] = "gpt-4o",
        ["Policy:Keys:2:Id"] = "from-env",
        ["Policy:Keys:2:Principal"] = "app-env",
        ["Policy:Keys:2:Env"] = EnvVariable,
        ["Policy:Keys:2:Models:0"] = "gpt-4o",
    };

    [Fact]
    public async Task An_unknown_key_is_denied_401_invalid_api_key()
    {
        await using var policy = await PolicyHost.StartAsync(Settings);
        var request = Ask(KeyRing.HashOf("sk-nobody"), "gpt-4o");

        var (authorized, denied) = await policy.AuthorizeAsync(request);

        Assert.Null(authorized);
        Assert.Equal(new RequestDenied(request.RequestId, 401, "invalid_api_key", "Incorrect API key provided."), denied);
    }

    [Fact]
    public async Task A_model_the_key_may_not_use_is_denied_exactly_like_a_model_that_does_not_exist()
    {
        await using var policy = await PolicyHost.StartAsync(Settings);

        var (_, forbidden) = await policy.AuthorizeAsync(Ask(KeyRing.HashOf(NarrowSecret), "o1-preview"));
        var (_, missing) = await policy.AuthorizeAsync(Ask(KeyRing.HashOf(NarrowSecret), "no-such-model"));

        Assert.Equal((404, "model_not_found"), (forbidden!.Status, forbidden.Code));
        Assert.Equal("The model 'o1-preview' does not exist or you do not have access to it.", forbidden.Message);
        Assert.Equal((404, "model_not_found"), (missing!.Status, missing.Code));
        Assert.Equal(forbidden.Message.Replace("o1-preview", "no-such-model", StringComparison.Ordinal), missing.Message);
    }

    [Fact]
    public async Task A_star_key_is_authorized_for_any_model_with_no_model_list()
    {
        await using var policy = await PolicyHost.StartAsync(Settings);
        var request = Ask(KeyRing.HashOf(OpenSecret), "anything");

        var (authorized, denied) = await policy.AuthorizeAsync(request);

        Assert.Null(denied);
        Assert.Equal((request.RequestId, "app-open", "open", "team-a"), (authorized!.RequestId, authorized.PrincipalId, authorized.KeyId, authorized.TeamId));
        Assert.Null(authorized.AllowedModels);
    }

    [Fact]
    public async Task A_narrow_key_is_authorized_for_its_models_and_told_them_sorted()
    {
        await using var policy = await PolicyHost.StartAsync(Settings);

        var (authorized, _) = await policy.AuthorizeAsync(Ask(KeyRing.HashOf(NarrowSecret), "gpt-4o-mini"));

        Assert.Equal(("app-narrow", "narrow", (string?)null), (authorized!.PrincipalId, authorized.KeyId, authorized.TeamId));

        // A configured key belongs to no organization: its usage carries none.
        Assert.Null(authorized.OrganizationId);
        Assert.Equal(["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"], authorized.AllowedModels);
    }

    [Fact]
    public async Task An_operation_without_a_model_is_authorized_for_any_known_key()
    {
        await using var policy = await PolicyHost.StartAsync(Settings);

        var (authorized, _) = await policy.AuthorizeAsync(Ask(KeyRing.HashOf(NarrowSecret), null) with { Operation = "models.list" });

        Assert.Equal(["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"], authorized!.AllowedModels);
    }

    [Fact]
    public async Task A_key_from_the_environment_is_recognised_by_its_hash()
    {
        await using var policy = await PolicyHost.StartAsync(Settings);

        var (authorized, _) = await policy.AuthorizeAsync(Ask(KeyRing.HashOf(EnvSecret), "gpt-4o"));

        Assert.Equal(("app-env", "from-env"), (authorized!.PrincipalId, authorized.KeyId));
    }

    [Fact]
    public async Task Neither_the_credential_nor_its_hash_ever_reaches_the_logs()
    {
        await using var policy = await PolicyHost.StartAsync(Settings);
        var unknown = KeyRing.HashOf("sk-unknown-5e4d3c2b1a");

        await policy.AuthorizeAsync(Ask(unknown, "gpt-4o"));
        await policy.AuthorizeAsync(Ask(KeyRing.HashOf(NarrowSecret), "o1-preview"));
        await policy.AuthorizeAsync(Ask(KeyRing.HashOf(OpenSecret), "gpt-4o"));
        await policy.AuthorizeAsync(Ask(KeyRing.HashOf(EnvSecret), "gpt-4o"));

        var lines = policy.Logs.Lines.ToArray();
        Assert.Contains(lines, l => l.EventId == 2001);
        Assert.Contains(lines, l => l.EventId == 2002 && l.Line.Contains("narrow", StringComparison.Ordinal));
        foreach (var secret in new[] { OpenSecret, NarrowSecret, EnvSecret, "sk-unknown-5e4d3c2b1a" })
        {
            var hash = KeyRing.HashOf(secret);
            foreach (var (_, line) in lines)
            {
                Assert.DoesNotContain(secret, line, StringComparison.OrdinalIgnoreCase);

                // Not even a recognisable part of the hash.
                Assert.DoesNotContain(hash[..16], line, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(hash[^16..], line, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task An_admitted_request_with_its_route_attached_is_sent_on_to_the_router_answering_to_the_saga()
    {
        await using var policy = await PolicyHost.StartAsync(Settings);
        var request = Ask(KeyRing.HashOf(NarrowSecret), "gpt-4o-mini") with { Route = RouteOf() };

        var (authorized, _) = await policy.AuthorizeAsync(request);

        Assert.True(authorized!.Routed);
        Assert.Equal("app-narrow", authorized.PrincipalId);
        var sent = Assert.Single(policy.Harness.Sent.Select<RouteCompletion>());
        // Who was admitted travels with the route, so the router's report names who is metered.
        Assert.Equal(request.Route! with { PrincipalId = "app-narrow", KeyId = "narrow", TeamId = authorized.TeamId, OrganizationId = authorized.OrganizationId }, sent.Context.Message);
        Assert.Equal("narrow", sent.Context.Message.KeyId);
        Assert.EndsWith("/" + Endpoints.Router, sent.Context.DestinationAddress!.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(policy.Harness.Bus.Address, sent.Context.ResponseAddress);
        Assert.NotNull(sent.Context.RequestId);
    }

    [Fact]
    public async Task A_request_without_a_route_is_only_answered()
    {
        await using var policy = await PolicyHost.StartAsync(Settings);

        var (authorized, _) = await policy.AuthorizeAsync(Ask(KeyRing.HashOf(NarrowSecret), "gpt-4o-mini"));

        Assert.False(authorized!.Routed);
        Assert.False(await policy.Harness.Sent.Any<RouteCompletion>());
    }

    [Theory]
    [InlineData("sk-nobody", "gpt-4o-mini")]
    [InlineData(NarrowSecret, "o1-preview")]
    public async Task A_denied_request_is_never_routed_whatever_it_carries(string secret, string model)
    {
        await using var policy = await PolicyHost.StartAsync(Settings);

        var (_, denied) = await policy.AuthorizeAsync(Ask(KeyRing.HashOf(secret), model) with { Route = RouteOf() });

        Assert.NotNull(denied);
        Assert.False(await policy.Harness.Sent.Any<RouteCompletion>());
    }

    private static RouteCompletion RouteOf() => new(
        Guid.NewGuid(), "chat.completions", "gpt-4o-mini", """{"model":"gpt-4o-mini","messages":[]}""", false, null,
        DateTimeOffset.UtcNow.AddMinutes(10), "");

    private static AuthorizeRequest Ask(string credentialHash, string? model) =>
        new(Guid.NewGuid(), credentialHash, "chat.completions", model, "10.0.0.1");
}
