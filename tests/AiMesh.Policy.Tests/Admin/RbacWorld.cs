using System.Net.Http.Json;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Routing;
using AiMesh.Policy.Tests.Support;

namespace AiMesh.Policy.Tests.Admin;

/// <summary>
/// One policy host with two tenants for the RBAC matrix: organization A with teams T1 and T2, a service account in
/// each, an access group, one user of every role (team_admin and member in T1) each holding a key, another member
/// in T2 and a second admin; organization B with a team, a user and a key. Built once through the API as the
/// bootstrap admin, who belongs to neither.
/// </summary>
public sealed class RbacWorld : IAsyncLifetime
{
    public static readonly string[] Roles = ["admin", "org_admin", "team_admin", "member", "viewer"];

    /// <summary>What every actor's key but the admin's may use; the admin's may use every model.</summary>
    public static readonly string[] ActorModels = ["gpt-4o", "gpt-4o-mini"];

    private AdminHost host = null!;

    public HttpClient Root { get; private set; } = null!;

    /// <summary>The policy host's services (its in-memory key cache, for what a change did to decisions).</summary>
    public IServiceProvider Services => host.Services;

    /// <summary>Metering's read side, stubbed: what policy asked it for /admin/usage.</summary>
    internal MeteringStub Metering { get; } = new();

    public Guid OrgA { get; private set; }

    public Guid OrgB { get; private set; }

    public Guid T1 { get; private set; }

    public Guid T2 { get; private set; }

    public Guid TeamB { get; private set; }

    public Guid Account1 { get; private set; }

    public Guid Account2 { get; private set; }

    public Guid GroupA { get; private set; }

    public Guid OtherUser { get; private set; }

    public Guid SecondAdmin { get; private set; }

    public Guid UserB { get; private set; }

    public Dictionary<string, (Guid UserId, HttpClient Client)> Actors { get; } = [];

    public async Task InitializeAsync()
    {
        host = await AdminHost.StartAsync(null, Metering, new RouterHealthStub(), new AiMesh.Prompts.PromptsModule());
        Root = host.Client();
        OrgA = (await Root.PostOkAsync("/admin/organizations", new { name = "org-a" })).Id();
        OrgB = (await Root.PostOkAsync("/admin/organizations", new { name = "org-b" })).Id();
        T1 = (await Root.PostOkAsync("/admin/teams", new { organizationId = OrgA, name = "t1" })).Id();
        T2 = (await Root.PostOkAsync("/admin/teams", new { organizationId = OrgA, name = "t2" })).Id();
        TeamB = (await Root.PostOkAsync("/admin/teams", new { organizationId = OrgB, name = "tb" })).Id();
        Account1 = (await Root.PostOkAsync("/admin/service-accounts", new { teamId = T1, name = "sa1" })).Id();
        Account2 = (await Root.PostOkAsync("/admin/service-accounts", new { teamId = T2, name = "sa2" })).Id();
        GroupA = (await Root.PostOkAsync("/admin/access-groups", new { organizationId = OrgA, name = "chat", models = new[] { "gpt-4o" } })).Id();
        foreach (var role in Roles)
        {
            var team = role is "team_admin" or "member" ? T1 : (Guid?)null;
            var (user, secret, _) = await Root.UserWithKeyAsync(OrgA, role, role == "admin" ? ["*"] : ActorModels, team);
            Actors[role] = (user, host.Client(secret));
        }

        OtherUser = await FreshUserAsync(OrgA, "member", T2);
        SecondAdmin = await FreshUserAsync(OrgA, "admin");
        UserB = await FreshUserAsync(OrgB, "member");
        PromptA = await FreshPromptAsync(OrgA, versions: 2);
        PromptB = await FreshPromptAsync(OrgB, versions: 1);
    }

    /// <summary>A prompt of organization A with two versions (the prompts service hosted beside policy).</summary>
    public string PromptA { get; private set; } = "";

    /// <summary>A prompt of organization B with one version.</summary>
    public string PromptB { get; private set; } = "";

    /// <summary>A new prompt of <paramref name="organization"/> with <paramref name="versions"/> versions, made by the bootstrap admin.</summary>
    public async Task<string> FreshPromptAsync(Guid organization, int versions = 1)
    {
        var name = $"prompt-{Guid.NewGuid():N}";
        await Root.PostOkAsync("/admin/prompts", new { name, organizationId = organization });
        for (var i = 0; i < versions; i++)
        {
            await Root.PostOkAsync($"/admin/prompts/{name}/versions", new { messages = new[] { new { role = "system", content = $"v{i + 1} about {{{{ topic }}}}" } }, variables = new[] { "topic" } });
        }

        return name;
    }

    /// <summary>A new prompt of <paramref name="organization"/> published as an API (version 1), made by the bootstrap admin.</summary>
    public async Task<string> FreshPromptApiAsync(Guid organization)
    {
        var name = await FreshPromptAsync(organization);
        await AdminApi.OkAsync(await Root.PutAsJsonAsync($"/admin/prompts/{name}/api", new { version = 1, model = "gpt-4o-mini" }));
        return name;
    }

    /// <summary>A new prompt of <paramref name="organization"/> with two versions and <c>production</c> on 1; with <paramref name="split"/>, split 50/50 between them.</summary>
    public async Task<string> FreshLabelledPromptAsync(Guid organization, bool split = false)
    {
        var name = await FreshPromptAsync(organization, versions: 2);
        await AdminApi.OkAsync(await Root.PutAsJsonAsync($"/admin/prompts/{name}/labels/production", new { version = 1 }));
        if (split)
        {
            await AdminApi.OkAsync(await Root.PutAsJsonAsync(
                $"/admin/prompts/{name}/labels/production/split", new { versions = new[] { new { version = 1, percent = 50 }, new { version = 2, percent = 50 } } }));
        }

        return name;
    }

    /// <summary>A new one-step chain of <paramref name="organization"/> rendering <paramref name="prompt"/>, made by the bootstrap admin.</summary>
    public async Task<string> FreshChainAsync(Guid organization, string prompt)
    {
        var name = $"chain-{Guid.NewGuid():N}";
        await AdminApi.OkAsync(await Root.PutAsJsonAsync($"/admin/chains/{name}", ChainBody(organization, prompt)));
        return name;
    }

    /// <summary>The body of <c>PUT /admin/chains/{name}</c>: one step on <paramref name="prompt"/>, its variable from the input.</summary>
    public static object ChainBody(Guid organization, string prompt) => new
    {
        organizationId = organization,
        model = "gpt-4o",
        steps = new[] { new { name = "only", prompt, variables = new Dictionary<string, string> { ["topic"] = "$input.topic" } } },
    };

    /// <summary>An admin API client presenting this key.</summary>
    public HttpClient ClientFor(string secret) => host.Client(secret);

    public async Task<Guid> FreshUserAsync(Guid organization, string role = "member", Guid? team = null)
    {
        var user = await Root.PostOkAsync("/admin/users", new { organizationId = organization, email = $"{role}-{Guid.NewGuid():N}@example.com", role });
        if (team is { } t)
        {
            await AdminApi.OkAsync(await Root.PutAsync($"/admin/teams/{t}/members/{user.Id()}", null));
        }

        return user.Id();
    }

    /// <summary>A new enabled key of this owner (exactly one of the three), with models the actors hold.</summary>
    public async Task<Guid> FreshKeyAsync(Guid? userId = null, Guid? teamId = null, Guid? serviceAccountId = null)
    {
        var created = await Root.PostOkAsync("/admin/keys", new { owner = new { userId, teamId, serviceAccountId }, models = new[] { "gpt-4o" } });
        return created["key"]!.AsObject().Id();
    }

    /// <summary>A new key of this owner with limits set on it by the bootstrap admin, for a cell that clears them.</summary>
    public async Task<Guid> KeyWithLimitsAsync(Guid? userId = null, Guid? teamId = null)
    {
        var key = await FreshKeyAsync(userId: userId, teamId: teamId);
        await AdminApi.OkAsync(await Root.PutAsJsonAsync($"/admin/keys/{key}/limits", new { concurrent = 3 }));
        return key;
    }

    /// <summary>The organization, with a weekly budget set on it by the bootstrap admin, for a cell that clears it.</summary>
    public async Task<Guid> OrganizationWithBudgetAsync(Guid organization)
    {
        await AdminApi.OkAsync(await Root.PutAsJsonAsync($"/admin/organizations/{organization}/budgets/week", new { amount = 50m }));
        return organization;
    }

    /// <summary>
    /// A usage event metering (stubbed) holds for a new key of this owner, with bodies; returns its request id. The
    /// key's team is the usage's team as policy admits it (a team's key, or a service account's).
    /// </summary>
    public async Task<Guid> FreshUsageAsync(Guid? userId = null, Guid? teamId = null, Guid? serviceAccountId = null, Guid? accountTeam = null)
    {
        var key = await FreshKeyAsync(userId, teamId, serviceAccountId);
        var requestId = Guid.NewGuid();
        var principal = userId is { } u ? $"user:{u}" : teamId is { } t ? $"team:{t}" : $"service_account:{serviceAccountId}";
        Metering.Records[requestId] = new RecordUsage(
            requestId, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, principal, key.ToString(), "chat.completions", "gpt-4o", "d1", "openai", 1,
            "ok", 200, null, new TokenUsage(10, 5), 12.5, null, false, "10.0.0.1", null, null, null, null, null, (teamId ?? accountTeam)?.ToString(), null,
            new UsageBodies("{\"messages\":[{\"role\":\"user\",\"content\":\"key [redacted]\"}]}", "{\"choices\":[]}"));
        return requestId;
    }

    /// <summary>A new provider credential, made by the bootstrap admin.</summary>
    public async Task<Guid> FreshCredentialAsync() =>
        (await Root.PostOkAsync("/admin/credentials", new { name = $"cred-{Guid.NewGuid():N}", value = "sk-rbac-world-value-0123456789" })).Id();

    public async Task DisposeAsync()
    {
        foreach (var (_, client) in Actors.Values)
        {
            client.Dispose();
        }

        Root.Dispose();
        await host.DisposeAsync();
    }
}
