namespace AiMesh.Policy.Admin;

/// <summary>What an admin request does, as <see cref="AdminRules"/> decides it.</summary>
internal enum AdminOperation
{
    /// <summary>Read any object (organizations, teams, users, memberships, service accounts, access groups, keys).</summary>
    Read,
    ManageOrganizations,
    ManageTeams,

    /// <summary>Create users and change their roles.</summary>
    ManageUsers,
    ManageMemberships,
    ManageServiceAccounts,
    ManageAccessGroups,
    ManageKeys,
    ReadAudit,

    /// <summary>Read usage and cost (<c>/admin/usage</c>, the chargeback export), within what <see cref="AdminUsageScope"/> lets the role see.</summary>
    ReadUsage,

    /// <summary>Set and clear the rate limits and budgets of keys, users, teams and organizations (<see cref="AdminRules.DecideLimitChange"/>).</summary>
    ManageLimits,

    /// <summary>Read, create, replace and delete provider credentials: mesh-wide infrastructure, reads included.</summary>
    ManageCredentials,

    /// <summary>Read the deployments' state (<c>/admin/deployments</c>): mesh-wide infrastructure carrying every tenant's traffic.</summary>
    ReadDeployments,

    /// <summary>Read stored prompts, their versions, labels and diffs (<c>/admin/prompts</c>), of one's organization.</summary>
    ReadPrompts,

    /// <summary>Render a prompt's preview (<c>/admin/prompts/{name}/render</c>): a read that runs its template, nothing routed.</summary>
    PreviewPrompts,

    /// <summary>Create prompts, publish versions, move and roll back labels.</summary>
    ManagePrompts,
}
