using AiMesh.Contracts.Policy;
using AiMesh.Policy.Store;
using AiMesh.Policy.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Policy.Tests.Principals;

/// <summary>
/// A principal the ingress verified (JWT or client certificate) is decided from <c>Policy:Jwt</c>: its roles and
/// team grant models, its claims name who is metered.
/// </summary>
public sealed class VerifiedPrincipalDecisionTests
{
    private static readonly Guid Organization = Guid.Parse("0b9e0000-919e-faec-0001-08df488b00aa");

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Policy:Jwt:Organization"] = Organization.ToString(),
        ["Policy:Jwt:Roles:member:Models:0"] = "gpt-4o-mini",
        ["Policy:Jwt:Roles:embedder:Models:0"] = "text-embedding-3-small",
        ["Policy:Jwt:Teams:research:Models:0"] = "claude-mock",
        ["Policy:Jwt:Roles:admin:Models:0"] = "*",
        ["Policy:Jwt:Roles:chatter:AccessGroups:0"] = "chat",
        ["Policy:Jwt:Roles:chatter:AccessGroups:1"] = "no-such-group",
    };

    [Fact]
    public async Task A_principal_may_use_what_its_roles_and_team_grant_and_is_metered_by_its_claims()
    {
        await using var policy = await PolicyHost.StartAsync(Settings);
        var principal = new VerifiedPrincipal("jwt", "https://idp.example/", "alice@example.com", "research", ["member", "unknown-role"]);

        var (authorized, denied) = await policy.AuthorizeAsync(Ask(principal, "claude-mock"));

        Assert.Null(denied);
        Assert.Equal(("user:alice@example.com", "jwt", "research"), (authorized!.PrincipalId, authorized.KeyId, authorized.TeamId));

        // No claim maps to an organization, and Policy:Jwt:Organization (set here) only names whose access groups apply.
        Assert.Null(authorized.OrganizationId);
        Assert.Equal(["claude-mock", "gpt-4o-mini"], authorized.AllowedModels);
    }

    [Fact]
    public async Task A_model_no_role_or_team_grants_is_not_found_and_nothing_configured_allows_nothing()
    {
        await using var policy = await PolicyHost.StartAsync(Settings);

        var (_, denied) = await policy.AuthorizeAsync(Ask(new VerifiedPrincipal("jwt", "https://idp.example/", "bob", null, ["member"]), "text-embedding-3-small"));
        var (nothing, _) = await policy.AuthorizeAsync(Ask(new VerifiedPrincipal("certificate", "CN=Test CA", "svc", "other-team", []), null));

        Assert.Equal((404, "model_not_found"), (denied!.Status, denied.Code));
        Assert.Empty(nothing!.AllowedModels!);
    }

    [Fact]
    public async Task A_star_grant_allows_every_model()
    {
        await using var policy = await PolicyHost.StartAsync(Settings);

        var (authorized, _) = await policy.AuthorizeAsync(Ask(new VerifiedPrincipal("jwt", "https://idp.example/", "root", null, ["admin"]), "anything"));

        Assert.Null(authorized!.AllowedModels);
    }

    [Fact]
    public async Task The_credential_hash_is_not_consulted_for_a_principal()
    {
        await using var policy = await PolicyHost.StartAsync(new(Settings)
        {
            ["Policy:Keys:0:Id"] = "open",
            ["Policy:Keys:0:Principal"] = "app-open",
            ["Policy:Keys:0:Sha256"] = AiMesh.Policy.Keys.KeyRing.HashOf("sk-open"),
            ["Policy:Keys:0:Models:0"] = "*",
        });
        var request = Ask(new VerifiedPrincipal("jwt", "https://idp.example/", "carol", null, []), "gpt-4o-mini") with
        {
            CredentialHash = AiMesh.Policy.Keys.KeyRing.HashOf("sk-open"),
        };

        var (_, denied) = await policy.AuthorizeAsync(request);

        Assert.Equal(404, denied!.Status);
    }

    [Fact]
    public async Task An_access_group_grants_its_models_as_they_are_now()
    {
        await using var policy = await PolicyHost.StartAsync(Settings);
        var factory = policy.Services.GetRequiredService<IDbContextFactory<PolicyDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            db.Organizations.Add(new Organization { Id = Organization, Name = "acme-principals", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var principal = new VerifiedPrincipal("jwt", "https://idp.example/", "dana", null, ["chatter"]);
        await policy.AdministerAsync(a => a.DefineAccessGroupAsync(Organization, "chat", ["gpt-4o", "gpt-4o-mini"], "tests", CancellationToken.None));
        var (before, _) = await policy.AuthorizeAsync(Ask(principal, "gpt-4o"));

        await policy.AdministerAsync(a => a.DefineAccessGroupAsync(Organization, "chat", ["o1"], "tests", CancellationToken.None));
        var (_, denied) = await policy.AuthorizeAsync(Ask(principal, "gpt-4o"));
        var (after, _) = await policy.AuthorizeAsync(Ask(principal, "o1"));

        Assert.Equal(["gpt-4o", "gpt-4o-mini"], before!.AllowedModels);
        Assert.Equal(404, denied!.Status);
        Assert.Equal(["o1"], after!.AllowedModels);
    }

    private static AuthorizeRequest Ask(VerifiedPrincipal principal, string? model) =>
        new(Guid.NewGuid(), "", model is null ? "models.list" : "chat.completions", model, "10.0.0.1", Principal: principal);
}
