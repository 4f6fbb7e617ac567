namespace AiMesh.Metering.Projections;

/// <summary>
/// The dimensions usage is rolled up by. <see cref="All"/> (value "*") holds the totals. There is no org dimension:
/// a usage event does not carry the organization (RecordUsage has no member for it), so an org's usage is the sum of
/// its teams' or keys' rows, which the policy service (which knows the org of each) selects.
/// </summary>
internal static class UsageDimensions
{
    public const string All = "all";
    public const string Key = "key";
    public const string User = "user";
    public const string Team = "team";
    public const string Model = "model";
    public const string Deployment = "deployment";

    public const string AllValue = "*";

    public static readonly IReadOnlyList<string> Names = [All, Key, User, Team, Model, Deployment];
}
