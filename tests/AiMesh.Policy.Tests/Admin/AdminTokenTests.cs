using System.Net;
using System.Text.Json.Nodes;
using AiMesh.Cli;
using AiMesh.Policy.Admin;
using AiMesh.Policy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Policy.Tests.Admin;

/// <summary>
/// Tokens on policy's own port (as the ingress forwards them when distributed): policy verifies them itself, a bad one
/// counts against the address like a bad key, the user is looked for where configured, and the CLI sends one from
/// AIMESH_ADMIN_TOKEN.
/// </summary>
public sealed class AdminTokenTests
{
    private readonly TestTokens tokens = new();

    [Fact]
    public async Task Bad_tokens_count_against_the_address_like_bad_keys_until_even_the_admin_key_is_held()
    {
        var settings = tokens.Settings();
        settings["Policy:FailedAttempts:Limit"] = "3";
        await using var host = await AdminHost.StartAsync(settings);
        var refused = new[]
        {
            tokens.Mint("admin", "admin", expires: DateTime.UtcNow.AddMinutes(-5)),
            tokens.Mint("nobody@example.com", "admin"),
            new TestTokens().Mint("admin", "admin"),
        };
        foreach (var token in refused)
        {
            using var client = host.Client(token);
            using var response = await client.GetAsync(new Uri("/admin/users", UriKind.Relative));
            await AdminApi.ProblemAsync(response, HttpStatusCode.Unauthorized);
        }

        using var admin = host.Client(tokens.Mint("admin", "admin"));
        using var held = await admin.GetAsync(new Uri("/admin/users", UriKind.Relative));

        await AdminApi.ProblemAsync(held, (HttpStatusCode)429);
        Assert.NotNull(held.Headers.RetryAfter);
        Assert.All(refused, t => Assert.DoesNotContain(host.Logs.Lines, l => l.Line.Contains(t, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_bootstrap_admin_logs_in_with_a_token_naming_its_email_and_two_users_differing_in_case_match_neither()
    {
        await using var host = await AdminHost.StartAsync(tokens.Settings());
        using var admin = host.Client();
        var organization = (await admin.GetOkAsync("/admin/organizations"))["items"]![0]!.AsObject().Id();
        await admin.PostOkAsync("/admin/users", new { organizationId = organization, email = "Twin@example.com", role = "admin" });
        await admin.PostOkAsync("/admin/users", new { organizationId = organization, email = "twin@example.com", role = "admin" });

        using var bootstrap = host.Client(tokens.Mint("ADMIN", "admin"));
        using var twin = host.Client(tokens.Mint("twin@example.com", "admin"));
        var users = await bootstrap.GetOkAsync("/admin/users");
        using var ambiguous = await twin.GetAsync(new Uri("/admin/users", UriKind.Relative));

        Assert.Equal(3, users["items"]!.AsArray().Count);
        await AdminApi.ProblemAsync(ambiguous, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task With_an_organization_configured_users_of_other_organizations_are_not_found()
    {
        await using var setup = await AdminHost.StartAsync(tokens.Settings());
        using var admin = setup.Client();
        var defaultOrganization = (await admin.GetOkAsync("/admin/organizations"))["items"]![0]!.AsObject().Id();
        var other = await admin.PostOkAsync("/admin/organizations", new { name = "elsewhere" });
        await admin.PostOkAsync("/admin/users", new { organizationId = other.Id(), email = "far@example.com", role = "org_admin" });
        var database = setup.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Policy:Database:ConnectionString"]!;

        var settings = tokens.Settings();
        settings["Policy:Database:ConnectionString"] = database;
        settings["Policy:Database:Provider"] = "Sqlite";
        settings[AdminJwtOptions.Section + ":Organization"] = defaultOrganization.ToString();
        await using var restricted = await AdminHost.StartAsync(settings);

        using var far = restricted.Client(tokens.Mint("far@example.com", "org_admin"));
        using var near = restricted.Client(tokens.Mint("admin", "admin"));
        using var refused = await far.GetAsync(new Uri("/admin/users", UriKind.Relative));
        using var served = await near.GetAsync(new Uri("/admin/users", UriKind.Relative));

        await AdminApi.ProblemAsync(refused, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task The_cli_sends_the_token_in_AIMESH_ADMIN_TOKEN_and_refuses_a_key_and_a_token_together()
    {
        await using var host = await AdminHost.StartAsync(tokens.Settings());
        using var admin = host.Client();
        var organization = (await admin.GetOkAsync("/admin/organizations"))["items"]![0]!.AsObject().Id().ToString();
        var token = tokens.Mint("admin", "viewer");
        using var output = new StringWriter();
        using var errors = new StringWriter();
        using var both = new StringWriter();
        using var denied = new StringWriter();

        var listed = await CliRunner.RunAsync(
            ["users", "list"], v => v switch { CliRunner.UrlVariable => host.Address.ToString(), CliRunner.TokenVariable => token, _ => null },
            output, errors, CancellationToken.None);
        var created = await CliRunner.RunAsync(
            ["teams", "create", "--name", "by-a-viewer", "--organization", organization], v => v switch { CliRunner.UrlVariable => host.Address.ToString(), CliRunner.TokenVariable => token, _ => null },
            TextWriter.Null, denied, CancellationToken.None);
        var ambiguous = await CliRunner.RunAsync(
            ["users", "list"],
            v => v switch { CliRunner.UrlVariable => host.Address.ToString(), CliRunner.TokenVariable => token, CliRunner.KeyVariable => AdminHost.BootstrapKey, _ => null },
            TextWriter.Null, both, CancellationToken.None);

        Assert.True(listed == 0, errors.ToString());
        Assert.Equal("admin", JsonNode.Parse(output.ToString())!["items"]![0]!.Text("email"));
        Assert.Equal(1, created);
        Assert.Contains("403", denied.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, ambiguous);
        Assert.Contains("not both", both.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Line.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_broken_admin_issuer_fails_the_start_naming_every_setting_under_its_own_section()
    {
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => AdminHost.StartAsync(new()
        {
            ["Policy:Admin:Jwt:Issuers:0:Issuer"] = "https://sso.policy.test/",
            ["Policy:Admin:Jwt:Issuers:0:JwksUrl"] = "http://sso.policy.test/jwks",
            ["Policy:Admin:Jwt:ClockSkew"] = "01:00:00",
        }));

        Assert.Contains("Policy:Admin:Jwt:Issuers:0:Audiences needs at least one audience, none empty.", failure.Failures);
        Assert.Contains("Policy:Admin:Jwt:Issuers:0:JwksUrl must be https (http only on a loopback address).", failure.Failures);
        Assert.Contains("Policy:Admin:Jwt:ClockSkew must be between 0 and 5 minutes.", failure.Failures);
    }

    [Theory]
    [InlineData("org_admin", new[] { "viewer" }, "viewer")]
    [InlineData("member", new[] { "admin" }, "member")]
    [InlineData("admin", new[] { "member", "org_admin", "unknown" }, "org_admin")]
    [InlineData("team_admin", new[] { "team_admin" }, "team_admin")]
    [InlineData("admin", new[] { "gateway-users" }, null)]
    [InlineData("admin", new string[0], null)]
    public void A_token_lowers_the_stored_role_and_never_raises_it(string stored, string[] claimed, string? acting) =>
        Assert.Equal(acting, AdminRules.Lowered(stored, claimed));
}
