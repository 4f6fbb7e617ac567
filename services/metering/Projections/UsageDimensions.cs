namespace AiMesh.Metering.Projections;

/// <summary>
/// The dimensions usage is rolled up by. <see cref="All"/> (value "*") holds the totals. <see cref="Org"/>'s value is
/// the organization id policy admitted the request for (<c>RecordUsage.OrganizationId</c>): events stored before it
/// was metered, and requests of configured keys or verified tokens, have none and count in no org row.
/// </summary>
internal static class UsageDimensions
{
    public const string All = "all";
    public const string Key = "key";
    public const string User = "user";
    public const string Team = "team";
    public const string Org = "org";
    public const string Model = "model";
    public const string Deployment = "deployment";

    public const string AllValue = "*";

    public static readonly IReadOnlyList<string> Names = [All, Key, User, Team, Org, Model, Deployment];
}
