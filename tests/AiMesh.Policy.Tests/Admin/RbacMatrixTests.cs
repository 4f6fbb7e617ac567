using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Policy.Tests.Admin;

/// <summary>
/// Every admin route × every role, each cell asserted (docs/architecture.md, "Admin API and RBAC", has the rules;
/// services/policy/Admin/AdminRules.cs the code). A cell's objects are made fresh for it by the bootstrap admin, so
/// no cell depends on another. Columns: admin, org_admin, team_admin, member, viewer. "A" is the actors'
/// organization, "B" another tenant's; team_admin and member are in T1.
/// </summary>
public sealed class RbacMatrixTests(RbacWorld world) : IClassFixture<RbacWorld>
{
    private static readonly object Split = new { versions = new[] { new { version = 1, percent = 90 }, new { version = 2, percent = 10 } } };

    private static readonly Dictionary<string, (int[] Expected, Func<RbacWorld, Guid, Task<HttpRequestMessage>> Request)> Cells = new()
    {
        // Reads inside A: everyone.
        ["read organization A"] = ([200, 200, 200, 200, 200], (w, _) => Get($"/admin/organizations/{w.OrgA}")),
        ["read team T2"] = ([200, 200, 200, 200, 200], (w, _) => Get($"/admin/teams/{w.T2}")),
        ["read T1 members"] = ([200, 200, 200, 200, 200], (w, _) => Get($"/admin/teams/{w.T1}/members")),
        ["read another user"] = ([200, 200, 200, 200, 200], (w, _) => Get($"/admin/users/{w.OtherUser}")),
        ["read a user's teams"] = ([200, 200, 200, 200, 200], (w, _) => Get($"/admin/users/{w.OtherUser}/teams")),
        ["read service account of T2"] = ([200, 200, 200, 200, 200], (w, _) => Get($"/admin/service-accounts/{w.Account2}")),
        ["read access group"] = ([200, 200, 200, 200, 200], (w, _) => Get($"/admin/access-groups/{w.GroupA}")),
        ["read another user's key"] = ([200, 200, 200, 200, 200], async (w, _) => await Get($"/admin/keys/{await w.FreshKeyAsync(userId: w.OtherUser)}")),
        ["list organizations"] = ([200, 200, 200, 200, 200], (w, _) => Get("/admin/organizations")),
        ["list teams"] = ([200, 200, 200, 200, 200], (w, _) => Get("/admin/teams")),
        ["list users"] = ([200, 200, 200, 200, 200], (w, _) => Get("/admin/users")),
        ["list service accounts"] = ([200, 200, 200, 200, 200], (w, _) => Get("/admin/service-accounts")),
        ["list access groups"] = ([200, 200, 200, 200, 200], (w, _) => Get("/admin/access-groups")),
        ["list keys"] = ([200, 200, 200, 200, 200], (w, _) => Get("/admin/keys")),

        // Organizations, teams, users, access groups.
        ["create organization"] = ([201, 403, 403, 403, 403], (_, _) => Post("/admin/organizations", new { name = Unique("org") })),
        ["create team in A"] = ([201, 201, 403, 403, 403], (w, _) => Post("/admin/teams", new { organizationId = w.OrgA, name = Unique("team") })),
        ["create member user in A"] = ([201, 201, 403, 403, 403], (w, _) => Post("/admin/users", new { organizationId = w.OrgA, email = Unique("u"), role = "member" })),
        ["change a member's role to viewer"] = ([200, 200, 403, 403, 403], async (w, _) => await Put($"/admin/users/{await w.FreshUserAsync(w.OrgA)}/role", new { role = "viewer" })),
        ["define access group in A"] = ([200, 200, 403, 403, 403], (w, _) => Post("/admin/access-groups", new { organizationId = w.OrgA, name = Unique("g"), models = new[] { "gpt-4o" } })),

        // Memberships and service accounts: team_admin for its own team only.
        ["add member to T1"] = ([200, 200, 200, 403, 403], async (w, _) => await Put($"/admin/teams/{w.T1}/members/{await w.FreshUserAsync(w.OrgA)}", null)),
        ["add member to T2"] = ([200, 200, 403, 403, 403], async (w, _) => await Put($"/admin/teams/{w.T2}/members/{await w.FreshUserAsync(w.OrgA)}", null)),
        ["remove member from T1"] = ([204, 204, 204, 403, 403], async (w, _) => await Delete($"/admin/teams/{w.T1}/members/{await w.FreshUserAsync(w.OrgA, team: w.T1)}")),
        ["create service account in T1"] = ([201, 201, 201, 403, 403], (w, _) => Post("/admin/service-accounts", new { teamId = w.T1, name = Unique("sa") })),
        ["create service account in T2"] = ([201, 201, 403, 403, 403], (w, _) => Post("/admin/service-accounts", new { teamId = w.T2, name = Unique("sa") })),

        // Keys: member its own, team_admin its teams', org_admin its organization's.
        ["create own key"] = ([201, 201, 201, 201, 403], (_, self) => Post("/admin/keys", new { owner = new { userId = self }, models = new[] { "gpt-4o" } })),
        ["create key for T1"] = ([201, 201, 201, 403, 403], (w, _) => Post("/admin/keys", new { owner = new { teamId = w.T1 }, models = new[] { "gpt-4o" } })),
        ["create key for service account of T1"] = ([201, 201, 201, 403, 403], (w, _) => Post("/admin/keys", new { owner = new { serviceAccountId = w.Account1 }, accessGroups = new[] { "chat" } })),
        ["create key for T2"] = ([201, 201, 403, 403, 403], (w, _) => Post("/admin/keys", new { owner = new { teamId = w.T2 }, models = new[] { "gpt-4o" } })),
        ["create key for another user"] = ([201, 201, 403, 403, 403], (w, _) => Post("/admin/keys", new { owner = new { userId = w.OtherUser }, models = new[] { "gpt-4o" } })),
        ["disable own key"] = ([200, 200, 200, 200, 403], async (w, self) => await Post($"/admin/keys/{await w.FreshKeyAsync(userId: self)}/disable", null)),
        ["enable own key"] = ([200, 200, 200, 200, 403], async (w, self) => await Post($"/admin/keys/{await w.FreshKeyAsync(userId: self)}/enable", null)),
        ["update own key's tags"] = ([200, 200, 200, 200, 403], async (w, self) => await Patch($"/admin/keys/{await w.FreshKeyAsync(userId: self)}", new { tags = new Dictionary<string, string> { ["env"] = "dev" } })),
        ["rotate own key"] = ([201, 201, 201, 201, 403], async (w, self) => await Post($"/admin/keys/{await w.FreshKeyAsync(userId: self)}/rotate", new { graceSeconds = 60 })),
        ["revoke own key"] = ([200, 200, 200, 200, 403], async (w, self) => await Post($"/admin/keys/{await w.FreshKeyAsync(userId: self)}/revoke", null)),
        ["revoke T1's key"] = ([200, 200, 200, 403, 403], async (w, _) => await Post($"/admin/keys/{await w.FreshKeyAsync(teamId: w.T1)}/revoke", null)),
        ["disable T1 service account's key"] = ([200, 200, 200, 403, 403], async (w, _) => await Post($"/admin/keys/{await w.FreshKeyAsync(serviceAccountId: w.Account1)}/disable", null)),
        ["revoke T2's key"] = ([200, 200, 403, 403, 403], async (w, _) => await Post($"/admin/keys/{await w.FreshKeyAsync(teamId: w.T2)}/revoke", null)),
        ["revoke another user's key"] = ([200, 200, 403, 403, 403], async (w, _) => await Post($"/admin/keys/{await w.FreshKeyAsync(userId: w.OtherUser)}/revoke", null)),

        // The audit trail: admins, and org_admins for their organization (AuditSpecs shows which entries).
        ["read audit trail"] = ([200, 200, 403, 403, 403], (_, _) => Get("/admin/audit")),

        // Usage: by key or user within one's scope (AdminUsageScope); by team for team_admins and up; by model, deployment
        // or in total (every organization's) admins only; by org (and an organization's export) for organization-wide readers;
        // a team's chargeback export as a read of that team.
        ["usage by key"] = ([200, 200, 200, 200, 200], (_, _) => Get("/admin/usage?dimension=key")),
        ["usage by user"] = ([200, 200, 200, 200, 200], (_, _) => Get("/admin/usage?dimension=user&groupBy=total")),
        ["usage by team"] = ([200, 200, 200, 403, 200], (_, _) => Get("/admin/usage?dimension=team")),
        ["usage by org"] = ([200, 200, 403, 403, 200], (_, _) => Get("/admin/usage?dimension=org")),
        ["usage by model"] = ([200, 403, 403, 403, 403], (_, _) => Get("/admin/usage?dimension=model")),
        ["usage in total"] = ([200, 403, 403, 403, 403], (_, _) => Get("/admin/usage?dimension=all&groupBy=hour")),
        ["export T1's usage"] = ([200, 200, 200, 403, 200], (w, _) => Get($"/admin/usage/export?team={w.T1}")),
        ["export T2's usage"] = ([200, 200, 403, 403, 200], (w, _) => Get($"/admin/usage/export?team={w.T2}&format=json")),
        ["export usage of team of B"] = ([200, 404, 404, 404, 404], (w, _) => Get($"/admin/usage/export?team={w.TeamB}")),
        ["export A's usage"] = ([200, 200, 403, 403, 200], (w, _) => Get($"/admin/usage/export?org={w.OrgA}")),
        ["export B's usage"] = ([200, 404, 404, 404, 404], (w, _) => Get($"/admin/usage/export?org={w.OrgB}&format=json")),

        // Shadow traffic compared: everyone who reads usage, each asked for its own scope (ShadowUsageEndpointTests).
        ["compare shadow traffic"] = ([200, 200, 200, 200, 200], (_, _) => Get("/admin/usage/shadow?model=gpt-4o")),
        ["list one shadow comparison's results"] = ([200, 200, 200, 200, 200], (_, _) => Get("/admin/usage/shadow/results?model=gpt-4o&primary=gpt-4o&shadow=cand-a")),

        // One request's usage and bodies: as usage by key (a request is visible when its key, team or user is); what is
        // not visible reads as a request metering does not hold.
        ["read request of own key"] = ([200, 200, 200, 200, 200], async (w, self) => await Get($"/admin/usage/requests/{await w.FreshUsageAsync(userId: self)}")),
        ["read request of T1's key"] = ([200, 200, 200, 404, 200], async (w, _) => await Get($"/admin/usage/requests/{await w.FreshUsageAsync(teamId: w.T1)}")),
        ["read request of T1 service account's key"] = ([200, 200, 200, 404, 200], async (w, _) => await Get($"/admin/usage/requests/{await w.FreshUsageAsync(serviceAccountId: w.Account1, accountTeam: w.T1)}")),
        ["read request of T2's key"] = ([200, 200, 404, 404, 200], async (w, _) => await Get($"/admin/usage/requests/{await w.FreshUsageAsync(teamId: w.T2)}")),
        ["read request of another user's key"] = ([200, 200, 404, 404, 200], async (w, _) => await Get($"/admin/usage/requests/{await w.FreshUsageAsync(userId: w.OtherUser)}")),
        ["read request of key of B"] = ([200, 404, 404, 404, 404], async (w, _) => await Get($"/admin/usage/requests/{await w.FreshUsageAsync(userId: w.UserB)}")),
        ["read request metering does not hold"] = ([404, 404, 404, 404, 404], (_, _) => Get($"/admin/usage/requests/{Guid.NewGuid()}")),

        // Body logging: a key's flag as any change of the key, a team's by whoever manages the team.
        ["switch body logging on own key"] = ([200, 200, 200, 200, 403], async (w, self) => await Patch($"/admin/keys/{await w.FreshKeyAsync(userId: self)}", new { logBodies = true })),
        ["switch body logging on T2's key"] = ([200, 200, 403, 403, 403], async (w, _) => await Patch($"/admin/keys/{await w.FreshKeyAsync(teamId: w.T2)}", new { logBodies = true })),
        ["switch body logging on team T1"] = ([200, 200, 403, 403, 403], (w, _) => Patch($"/admin/teams/{w.T1}", new { logBodies = false })),
        ["switch body logging on team of B"] = ([200, 404, 404, 404, 404], (w, _) => Patch($"/admin/teams/{w.TeamB}", new { logBodies = false })),

        // Provider credentials: mesh-wide infrastructure, admins only, reads included.
        ["list credentials"] = ([200, 403, 403, 403, 403], (_, _) => Get("/admin/credentials")),
        ["read credential"] = ([200, 403, 403, 403, 403], async (w, _) => await Get($"/admin/credentials/{await w.FreshCredentialAsync()}")),
        ["create credential"] = ([201, 403, 403, 403, 403], (_, _) => Post("/admin/credentials", new { name = Unique("cred"), value = "sk-rbac-matrix-value-0123456789" })),
        ["replace credential value"] = ([200, 403, 403, 403, 403], async (w, _) => await Put($"/admin/credentials/{await w.FreshCredentialAsync()}/value", new { value = "sk-rbac-matrix-other-0123456789" })),
        ["delete credential"] = ([204, 403, 403, 403, 403], async (w, _) => await Delete($"/admin/credentials/{await w.FreshCredentialAsync()}")),

        // Deployments' state: mesh-wide infrastructure carrying every tenant's traffic, admins only.
        ["read deployments"] = ([200, 403, 403, 403, 403], (_, _) => Get("/admin/deployments")),

        // Prompts: read by everyone in the organization, previewed (a template run) by all but viewers, managed by
        // org_admins for their organization; another tenant's prompt is 404 as any object.
        ["list prompts"] = ([200, 200, 200, 200, 200], (_, _) => Get("/admin/prompts")),
        ["read prompt of A"] = ([200, 200, 200, 200, 200], (w, _) => Get($"/admin/prompts/{w.PromptA}")),
        ["read a version of A's prompt"] = ([200, 200, 200, 200, 200], (w, _) => Get($"/admin/prompts/{w.PromptA}/versions/1")),
        ["diff A's prompt"] = ([200, 200, 200, 200, 200], (w, _) => Get($"/admin/prompts/{w.PromptA}/diff?from=1&to=2")),
        ["preview A's prompt"] = ([200, 200, 200, 200, 403], (w, _) => Post($"/admin/prompts/{w.PromptA}/render", new { variables = new { topic = "tea" } })),
        ["create prompt in A"] = ([201, 201, 403, 403, 403], (w, _) => Post("/admin/prompts", new { name = Unique("p"), organizationId = w.OrgA })),
        ["publish a version of A's prompt"] = ([201, 201, 403, 403, 403], async (w, _) => await Post($"/admin/prompts/{await w.FreshPromptAsync(w.OrgA)}/versions", new { messages = new[] { new { role = "system", content = "hi" } } })),
        ["label A's prompt"] = ([200, 200, 403, 403, 403], async (w, _) => await Put($"/admin/prompts/{await w.FreshPromptAsync(w.OrgA)}/labels/production", new { version = 1 })),
        ["read prompt of B"] = ([200, 404, 404, 404, 404], (w, _) => Get($"/admin/prompts/{w.PromptB}")),
        ["preview prompt of B"] = ([200, 404, 404, 404, 403], (w, _) => Post($"/admin/prompts/{w.PromptB}/render", new { variables = new { topic = "tea" } })),
        ["create prompt in B"] = ([201, 404, 403, 403, 403], (w, _) => Post("/admin/prompts", new { name = Unique("p"), organizationId = w.OrgB })),
        ["label prompt of B"] = ([200, 404, 403, 403, 403], async (w, _) => await Put($"/admin/prompts/{await w.FreshPromptAsync(w.OrgB)}/labels/production", new { version = 1 })),
        ["publish A's prompt as an API"] = ([200, 200, 403, 403, 403], async (w, _) => await Put($"/admin/prompts/{await w.FreshPromptAsync(w.OrgA)}/api", new { version = 1, model = "gpt-4o-mini" })),
        ["list prompt APIs"] = ([200, 200, 200, 200, 200], (_, _) => Get("/admin/prompts/apis")),
        ["read the API of A's prompt"] = ([200, 200, 200, 200, 200], async (w, _) => await Get($"/admin/prompts/{await w.FreshPromptApiAsync(w.OrgA)}/api")),
        ["withdraw the API of A's prompt"] = ([204, 204, 403, 403, 403], async (w, _) => await Delete($"/admin/prompts/{await w.FreshPromptApiAsync(w.OrgA)}/api")),
        ["publish B's prompt as an API"] = ([200, 404, 403, 403, 403], async (w, _) => await Put($"/admin/prompts/{await w.FreshPromptAsync(w.OrgB)}/api", new { version = 1, model = "gpt-4o-mini" })),

        // Prompt experiments: a split is managed as a label, a prompt's stats read as the prompt.
        ["split A's prompt"] = ([200, 200, 403, 403, 403], async (w, _) => await Put($"/admin/prompts/{await w.FreshLabelledPromptAsync(w.OrgA)}/labels/production/split", Split)),
        ["end the split of A's prompt"] = ([204, 204, 403, 403, 403], async (w, _) => await Delete($"/admin/prompts/{await w.FreshLabelledPromptAsync(w.OrgA, split: true)}/labels/production/split")),
        ["split prompt of B"] = ([200, 404, 403, 403, 403], async (w, _) => await Put($"/admin/prompts/{await w.FreshLabelledPromptAsync(w.OrgB)}/labels/production/split", Split)),
        ["read stats of A's prompt"] = ([200, 200, 200, 200, 200], (w, _) => Get($"/admin/prompts/{w.PromptA}/stats")),
        ["read stats of B's prompt"] = ([200, 404, 404, 404, 404], (w, _) => Get($"/admin/prompts/{w.PromptB}/stats")),

        // Chains: as prompts (ReadPrompts to read, ManagePrompts to save or delete), within the chain's organization.
        ["read chain of A"] = ([200, 200, 200, 200, 200], async (w, _) => await Get($"/admin/chains/{await w.FreshChainAsync(w.OrgA, w.PromptA)}")),
        ["save chain in A"] = ([200, 200, 403, 403, 403], (w, _) => Put($"/admin/chains/{Unique("c")}", RbacWorld.ChainBody(w.OrgA, w.PromptA))),
        ["replace chain of A"] = ([200, 200, 403, 403, 403], async (w, _) => await Put($"/admin/chains/{await w.FreshChainAsync(w.OrgA, w.PromptA)}", RbacWorld.ChainBody(w.OrgA, w.PromptA))),
        ["delete chain of A"] = ([204, 204, 403, 403, 403], async (w, _) => await Delete($"/admin/chains/{await w.FreshChainAsync(w.OrgA, w.PromptA)}")),
        ["read chain of B"] = ([200, 404, 404, 404, 404], async (w, _) => await Get($"/admin/chains/{await w.FreshChainAsync(w.OrgB, w.PromptB)}")),
        ["save chain in B"] = ([200, 404, 403, 403, 403], (w, _) => Put($"/admin/chains/{Unique("c")}", RbacWorld.ChainBody(w.OrgB, w.PromptB))),
        ["delete chain of B"] = ([204, 404, 403, 403, 403], async (w, _) => await Delete($"/admin/chains/{await w.FreshChainAsync(w.OrgB, w.PromptB)}")),

        // Limits and budgets per subject: read with the subject; below admin never one's own organization's, user's or
        // keys'; a team_admin only its teams' keys; an org_admin its organization's teams, users and keys.
        ["read limits of another user's key"] = ([200, 200, 200, 200, 200], async (w, _) => await Get($"/admin/keys/{await w.FreshKeyAsync(userId: w.OtherUser)}/limits")),
        ["read budgets of T2"] = ([200, 200, 200, 200, 200], (w, _) => Get($"/admin/teams/{w.T2}/budgets")),
        ["set limits of T1's key"] = ([200, 200, 200, 403, 403], async (w, _) => await Put($"/admin/keys/{await w.FreshKeyAsync(teamId: w.T1)}/limits", new { requestsPerMinute = 60 })),
        ["set limits of T2's key"] = ([200, 200, 403, 403, 403], async (w, _) => await Put($"/admin/keys/{await w.FreshKeyAsync(teamId: w.T2)}/limits", new { requestsPerMinute = 60 })),
        ["set limits of another user's key"] = ([200, 200, 403, 403, 403], async (w, _) => await Put($"/admin/keys/{await w.FreshKeyAsync(userId: w.OtherUser)}/limits", new { concurrent = 5 })),
        ["set limits of own key"] = ([200, 403, 403, 403, 403], async (w, self) => await Put($"/admin/keys/{await w.FreshKeyAsync(userId: self)}/limits", new { requestsPerMinute = 100000 })),
        ["clear limits of T1's key"] = ([204, 204, 204, 403, 403], async (w, _) => await Delete($"/admin/keys/{await w.KeyWithLimitsAsync(teamId: w.T1)}/limits")),
        ["set budget of T1"] = ([200, 200, 403, 403, 403], (w, _) => Put($"/admin/teams/{w.T1}/budgets/month", new { amount = 100m })),
        ["set budget of another user"] = ([200, 200, 403, 403, 403], async (w, _) => await Put($"/admin/users/{await w.FreshUserAsync(w.OrgA)}/budgets/day", new { amount = 5m })),
        ["set own user's budget"] = ([200, 403, 403, 403, 403], (_, self) => Put($"/admin/users/{self}/budgets/day", new { amount = 1000000m })),
        ["set budget of organization A"] = ([200, 403, 403, 403, 403], (w, _) => Put($"/admin/organizations/{w.OrgA}/budgets/month", new { amount = 1000m })),
        ["set budget of organization B"] = ([200, 404, 404, 404, 404], (w, _) => Put($"/admin/organizations/{w.OrgB}/budgets/month", new { amount = 1000m })),
        ["read limits of team of B"] = ([200, 404, 404, 404, 404], (w, _) => Get($"/admin/teams/{w.TeamB}/limits")),
        ["clear budget of organization A"] = ([204, 403, 403, 403, 403], async (w, _) => await Delete($"/admin/organizations/{await w.OrganizationWithBudgetAsync(w.OrgA)}/budgets/week")),

        // Another tenant: 404 for everyone but an admin, reads and writes alike.
        ["read organization B"] = ([200, 404, 404, 404, 404], (w, _) => Get($"/admin/organizations/{w.OrgB}")),
        ["read team of B"] = ([200, 404, 404, 404, 404], (w, _) => Get($"/admin/teams/{w.TeamB}")),
        ["read user of B"] = ([200, 404, 404, 404, 404], (w, _) => Get($"/admin/users/{w.UserB}")),
        ["read key of B"] = ([200, 404, 404, 404, 404], async (w, _) => await Get($"/admin/keys/{await w.FreshKeyAsync(userId: w.UserB)}")),
        ["revoke key of B"] = ([200, 404, 404, 404, 404], async (w, _) => await Post($"/admin/keys/{await w.FreshKeyAsync(userId: w.UserB)}/revoke", null)),
        ["update key of B"] = ([200, 404, 404, 404, 404], async (w, _) => await Patch($"/admin/keys/{await w.FreshKeyAsync(userId: w.UserB)}", new { tags = new Dictionary<string, string> { ["x"] = "y" } })),
        ["change role of user of B"] = ([200, 404, 404, 404, 404], async (w, _) => await Put($"/admin/users/{await w.FreshUserAsync(w.OrgB)}/role", new { role = "viewer" })),
        ["add member to team of B"] = ([200, 404, 404, 404, 404], async (w, _) => await Put($"/admin/teams/{w.TeamB}/members/{await w.FreshUserAsync(w.OrgB)}", null)),
        ["read members of team of B"] = ([200, 404, 404, 404, 404], (w, _) => Get($"/admin/teams/{w.TeamB}/members")),

        // Escalation: never one's own role, never above one's own role, never beyond one's own key.
        ["change own role"] = ([403, 403, 403, 403, 403], (_, self) => Put($"/admin/users/{self}/role", new { role = "viewer" })),
        ["make a member admin"] = ([200, 403, 403, 403, 403], async (w, _) => await Put($"/admin/users/{await w.FreshUserAsync(w.OrgA)}/role", new { role = "admin" })),
        ["create an admin user"] = ([201, 403, 403, 403, 403], (w, _) => Post("/admin/users", new { organizationId = w.OrgA, email = Unique("a"), role = "admin" })),
        ["demote an admin user"] = ([200, 403, 403, 403, 403], async (w, _) => await Put($"/admin/users/{await w.FreshUserAsync(w.OrgA, "admin")}/role", new { role = "member" })),
        ["create own key for every model"] = ([201, 403, 403, 403, 403], (_, self) => Post("/admin/keys", new { owner = new { userId = self }, models = new[] { "*" } })),
        ["create own key for a model not held"] = ([201, 403, 403, 403, 403], (_, self) => Post("/admin/keys", new { owner = new { userId = self }, models = new[] { "o1" } })),
        ["widen own key to every model"] = ([200, 403, 403, 403, 403], async (w, self) => await Patch($"/admin/keys/{await w.FreshKeyAsync(userId: self)}", new { models = new[] { "*" } })),
        ["define access group beyond own key"] = ([200, 403, 403, 403, 403], (w, _) => Post("/admin/access-groups", new { organizationId = w.OrgA, name = Unique("g"), models = new[] { "o1" } })),
        ["add oneself to T2"] = ([403, 403, 403, 403, 403], (w, self) => Put($"/admin/teams/{w.T2}/members/{self}", null)),
    };

    public static TheoryData<string, string> AllCells()
    {
        var data = new TheoryData<string, string>();
        foreach (var cell in Cells.Keys)
        {
            foreach (var role in RbacWorld.Roles)
            {
                data.Add(cell, role);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllCells))]
    public async Task Every_route_answers_every_role_as_the_rules_say(string cell, string role)
    {
        var (expected, build) = Cells[cell];
        var (self, client) = world.Actors[role];
        using var request = await build(world, self);

        using var response = await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        var want = expected[Array.IndexOf(RbacWorld.Roles, role)];
        Assert.True(want == (int)response.StatusCode, $"{cell} as {role}: expected {want}, got {(int)response.StatusCode}: {body}");
        if (want >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        if (want == 404)
        {
            // Another tenant's object reads exactly as one that does not exist.
            var problem = JsonNode.Parse(body)!.AsObject();
            Assert.Equal(("Not Found", "No such object."), (problem["title"]!.GetValue<string>(), problem["detail"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Lists_never_show_another_tenants_objects_to_anyone_but_an_admin()
    {
        foreach (var role in RbacWorld.Roles.Where(r => r != "admin"))
        {
            var client = world.Actors[role].Client;
            foreach (var path in new[] { "/admin/organizations", "/admin/teams", "/admin/users", "/admin/keys", "/admin/service-accounts", "/admin/access-groups", $"/admin/keys?organizationId={world.OrgB}", $"/admin/users?organizationId={world.OrgB}" })
            {
                var page = JsonNode.Parse(await client.GetStringAsync(path))!.AsObject();
                var text = page.ToJsonString();
                Assert.DoesNotContain(world.OrgB.ToString(), text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(world.UserB.ToString(), text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(world.TeamB.ToString(), text, StringComparison.OrdinalIgnoreCase);
            }
        }

        var all = JsonNode.Parse(await world.Actors["admin"].Client.GetStringAsync($"/admin/users?organizationId={world.OrgB}"))!.AsObject();
        Assert.Contains(world.UserB.ToString(), all.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_prompt_API_list_shows_another_tenants_APIs_to_an_admin_only()
    {
        var (apiA, apiB) = (await world.FreshPromptApiAsync(world.OrgA), await world.FreshPromptApiAsync(world.OrgB));
        foreach (var role in RbacWorld.Roles.Where(r => r != "admin"))
        {
            var client = world.Actors[role].Client;
            foreach (var path in new[] { "/admin/prompts/apis?limit=200", $"/admin/prompts/apis?limit=200&organizationId={world.OrgB}" })
            {
                var text = await client.GetStringAsync(path);
                Assert.Contains(apiA, text, StringComparison.Ordinal);
                Assert.DoesNotContain(apiB, text, StringComparison.Ordinal);
            }
        }

        var ofB = await world.Actors["admin"].Client.GetStringAsync($"/admin/prompts/apis?limit=200&organizationId={world.OrgB}");
        Assert.Contains(apiB, ofB, StringComparison.Ordinal);
        Assert.DoesNotContain(apiA, ofB, StringComparison.Ordinal);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static Task<HttpRequestMessage> Get(string path) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, path));

    private static Task<HttpRequestMessage> Delete(string path) => Task.FromResult(new HttpRequestMessage(HttpMethod.Delete, path));

    private static Task<HttpRequestMessage> Post(string path, object? body) => Send(HttpMethod.Post, path, body);

    private static Task<HttpRequestMessage> Put(string path, object? body) => Send(HttpMethod.Put, path, body);

    private static Task<HttpRequestMessage> Patch(string path, object? body) => Send(HttpMethod.Patch, path, body);

    private static Task<HttpRequestMessage> Send(HttpMethod method, string path, object? body) =>
        Task.FromResult(new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) });
}
