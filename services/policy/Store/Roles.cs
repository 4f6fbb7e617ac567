namespace AiMesh.Policy.Store;

/// <summary>The roles a user can hold, as stored (a CHECK constraint in the schema admits only these).</summary>
internal static class Roles
{
    public const string Admin = "admin";
    public const string OrgAdmin = "org_admin";
    public const string TeamAdmin = "team_admin";
    public const string Member = "member";
    public const string Viewer = "viewer";

    public static IReadOnlyList<string> All { get; } = [Admin, OrgAdmin, TeamAdmin, Member, Viewer];
}
