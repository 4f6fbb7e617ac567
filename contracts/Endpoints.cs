namespace AiMesh.Contracts;

/// <summary>
/// Queue names each service listens on. They are part of the contract between teams: a service that is
/// deployed on its own must be reachable at the same name, whatever transport carries it.
/// </summary>
public static class Endpoints
{
    public const string Policy = "aimesh-policy";
    public const string Prompts = "aimesh-prompts";
    public const string Router = "aimesh-router";
    public const string Metering = "aimesh-metering";

    /// <summary>Metering's read side (<c>QueryUsage</c>, <c>ExportUsage</c>): apart from usage, so a backlog of records never delays an answer.</summary>
    public const string MeteringQueries = "aimesh-metering-queries";

    /// <summary>
    /// The routers' reports (<c>RecordRouterReports</c>), durable: apart from usage, so reports never hold up a usage
    /// record behind them (a metering restart drains the usage first at full speed).
    /// </summary>
    public const string MeteringReports = "aimesh-metering-reports";

    /// <summary>
    /// The prompt registry's admin side (create, publish, label, diff, preview; asked by policy's admin API): apart
    /// from rendering, so an admin's database work never delays a request's prompt.
    /// </summary>
    public const string PromptsAdmin = "aimesh-prompts-admin";

    public static readonly Uri PolicyAddress = new($"queue:{Policy}");
    public static readonly Uri PromptsAddress = new($"queue:{Prompts}");
    public static readonly Uri PromptsAdminAddress = new($"queue:{PromptsAdmin}");
    public static readonly Uri RouterAddress = new($"queue:{Router}");
    public static readonly Uri MeteringAddress = new($"queue:{Metering}");
    public static readonly Uri MeteringQueriesAddress = new($"queue:{MeteringQueries}");
    public static readonly Uri MeteringReportsAddress = new($"queue:{MeteringReports}");
}
