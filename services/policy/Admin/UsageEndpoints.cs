using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>
/// <c>/admin/usage</c>: usage and cost from metering's hourly rollups, and <c>/admin/usage/export</c>, a team's or an
/// organization's chargeback lines (CSV or JSON). Policy decides what the caller may see (<see cref="AdminUsageScope"/>), then asks
/// metering over the bus (<c>QueryUsage</c>, <c>ExportUsage</c> on <c>aimesh-metering-queries</c>); no answer within
/// <see cref="AskTimeout"/> is 503.
/// </summary>
internal static class UsageEndpoints
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private const int DefaultLimit = 500;
    private const int MaxLimit = 5_000;

    public static void Map(RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/usage").WithTags("usage");
        group.MapGet("/", QueryAsync).Produces<AdminPage<UsageReportRow>>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/export", ExportAsync)
            .Produces<IReadOnlyList<UsageExportLine>>()
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        UsageRequestEndpoints.Map(group);
        ShadowUsageEndpoints.Map(group);
    }

    /// <summary>
    /// <c>dimension</c> (key, user, team, org, model, deployment, all; default key), <c>value</c> (repeatable; none: every
    /// value the caller may see), <c>from</c> and <c>to</c> (ISO 8601; default the last 24 hours; whole UTC hours),
    /// <c>groupBy</c> (hour, day, total; default day), <c>limit</c> and <c>cursor</c>.
    /// </summary>
    private static async Task<IResult> QueryAsync(
        HttpContext http,
        IDbContextFactory<PolicyDbContext> databases,
        IBus bus,
        TimeProvider time,
        string? dimension,
        string[]? value,
        string? from,
        string? to,
        string? groupBy,
        string? limit,
        string? cursor)
    {
        var actor = AdminActor.Of(http);
        if (!AdminRules.MayEver(actor, AdminOperation.ReadUsage))
        {
            return AdminProblems.Forbidden();
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        dimension ??= "key";
        if (dimension is not ("key" or "user" or "team" or "org" or "model" or "deployment" or "all"))
        {
            errors["dimension"] = ["must be key, user, team, org, model, deployment or all."];
        }

        groupBy ??= "day";
        if (groupBy is not ("hour" or "day" or "total"))
        {
            errors["groupBy"] = ["must be hour, day or total."];
        }

        var (start, end) = Period(from, to, time, errors);
        var size = DefaultLimit;
        if (limit is not null && !(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) && size is >= 1 and <= MaxLimit))
        {
            errors["limit"] = [$"must be a whole number from 1 to {MaxLimit}."];
        }

        var offset = Offset(cursor, errors);

        if (value is { Length: > 1_000 } || value?.Any(v => v.Length > 200 || v.Any(char.IsControl)) == true)
        {
            errors["value"] = ["at most 1000 values of at most 200 characters with no control characters."];
        }

        if (errors.Count > 0)
        {
            return AdminProblems.Invalid(errors);
        }

        IReadOnlyList<string>? values;
        await using (var db = await databases.CreateDbContextAsync(http.RequestAborted))
        {
            var scope = await AdminUsageScope.ValuesAsync(actor, dimension, value is { Length: > 0 } ? value : null, db, http.RequestAborted);
            if (!scope.Allowed)
            {
                return AdminProblems.Forbidden("Your role reads usage by key, user or team (org: org_admin and viewer) of your own scope only.");
            }

            values = scope.Values;
        }

        var client = bus.CreateRequestClient<QueryUsage>(Endpoints.MeteringQueriesAddress, RequestTimeout.After(s: (int)AskTimeout.TotalSeconds));
        UsageReport report;
        try
        {
            report = (await client.GetResponse<UsageReport>(new QueryUsage(NewId.NextGuid(), start, end, dimension, values, groupBy), http.RequestAborted)).Message;
        }
        catch (RequestTimeoutException)
        {
            return MeteringUnavailable;
        }

        if (report.Error is { } error)
        {
            return AdminProblems.Invalid("query", error);
        }

        var page = report.Rows.Skip(offset).Take(size).ToList();
        return TypedResults.Ok(new AdminPage<UsageReportRow>(page, offset + size < report.Rows.Count ? Cursor(offset + size) : null));
    }

    /// <summary>
    /// <c>team</c> or <c>org</c> (exactly one), <c>from</c> and <c>to</c> (default the last 24 hours), <c>format</c> (csv
    /// or json; default csv): one line per UTC day, team, key and currency. A team or organization of another
    /// organization is 404, as any other object; an organization's export is for admin, org_admin and viewer.
    /// </summary>
    private static async Task<IResult> ExportAsync(
        HttpContext http,
        IDbContextFactory<PolicyDbContext> databases,
        IBus bus,
        TimeProvider time,
        string? team,
        string? org,
        string? from,
        string? to,
        string? format)
    {
        var actor = AdminActor.Of(http);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var teamId = team is null ? null : AdminQuery.Id(team, "team", errors);
        var orgId = org is null ? null : AdminQuery.Id(org, "org", errors);
        if ((team is null) == (org is null))
        {
            errors["team"] = ["exactly one of team and org is required."];
        }

        format ??= "csv";
        if (format is not ("csv" or "json"))
        {
            errors["format"] = ["must be csv or json."];
        }

        var (start, end) = Period(from, to, time, errors);
        if (errors.Count > 0)
        {
            return AdminProblems.Invalid(errors);
        }

        if (orgId is { } organization)
        {
            return await ExportOrganizationAsync(http, actor, databases, bus, organization, start, end, format);
        }

        var id = teamId!.Value;
        await using (var db = await databases.CreateDbContextAsync(http.RequestAborted))
        {
            var found = await db.Teams.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, http.RequestAborted);
            if (found is null)
            {
                return AdminProblems.NotFound;
            }

            // A member reads no team's chargeback; a team_admin its own teams'.
            var verdict = AdminRules.ReachOf(actor.Role, AdminOperation.ReadUsage) == AdminReach.Own
                ? (found.OrganizationId == actor.OrganizationId ? AdminVerdict.Forbidden : AdminVerdict.NotFound)
                : AdminRules.Decide(actor, AdminOperation.ReadUsage, new AdminTarget(found.OrganizationId, TeamId: found.Id));
            if (verdict != AdminVerdict.Allowed)
            {
                return AdminProblems.Of(verdict);
            }
        }

        var client = bus.CreateRequestClient<ExportUsage>(Endpoints.MeteringQueriesAddress, RequestTimeout.After(s: (int)AskTimeout.TotalSeconds));
        UsageExport export;
        try
        {
            export = (await client.GetResponse<UsageExport>(new ExportUsage(NewId.NextGuid(), AdminUsageScope.Team(id), start, end), http.RequestAborted)).Message;
        }
        catch (RequestTimeoutException)
        {
            return MeteringUnavailable;
        }

        return Answer(format, AdminUsageScope.Team(id), export);
    }

    /// <summary>An organization's chargeback lines, every team's and those without a team, each line naming its team.</summary>
    private static async Task<IResult> ExportOrganizationAsync(
        HttpContext http, AdminActor actor, IDbContextFactory<PolicyDbContext> databases, IBus bus, Guid organization, DateTimeOffset start, DateTimeOffset end, string format)
    {
        await using (var db = await databases.CreateDbContextAsync(http.RequestAborted))
        {
            if (!await db.Organizations.AsNoTracking().AnyAsync(o => o.Id == organization, http.RequestAborted))
            {
                return AdminProblems.NotFound;
            }
        }

        // Own organization: org_admin and viewer read it; team_admin and member are refused (it holds other teams').
        var verdict = AdminRules.Decide(actor, AdminOperation.ReadUsage, new AdminTarget(organization));
        if (verdict != AdminVerdict.Allowed)
        {
            return AdminProblems.Of(verdict);
        }

        var client = bus.CreateRequestClient<ExportUsage>(Endpoints.MeteringQueriesAddress, RequestTimeout.After(s: (int)AskTimeout.TotalSeconds));
        UsageExport export;
        try
        {
            // An empty team: a metering that predates OrganizationId answers with no lines, never with another selection.
            var ask = new ExportUsage(NewId.NextGuid(), "", start, end, AdminUsageScope.Org(organization));
            export = (await client.GetResponse<UsageExport>(ask, http.RequestAborted)).Message;
        }
        catch (RequestTimeoutException)
        {
            return MeteringUnavailable;
        }

        return Answer(format, null, export);
    }

    private static IResult Answer(string format, string? team, UsageExport export) => format == "json"
        ? TypedResults.Ok(export.Lines)
        : TypedResults.Text(UsageCsv.Write(team, export.Lines), "text/csv; charset=utf-8");

    /// <summary>Metering did not answer within <see cref="AskTimeout"/>.</summary>
    internal static IResult MeteringUnavailable => TypedResults.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable", detail: "Usage is not available: metering did not answer; retry shortly.");

    /// <summary><c>from</c> and <c>to</c> as the usage routes read them: ISO 8601, default the last 24 hours, at most 400 days.</summary>
    internal static (DateTimeOffset From, DateTimeOffset To) Period(string? from, string? to, TimeProvider time, Dictionary<string, string[]> errors)
    {
        var now = time.GetUtcNow();
        var end = now;
        var start = now.AddDays(-1);
        if (to is not null && !DateTimeOffset.TryParse(to, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out end))
        {
            errors["to"] = ["must be an ISO 8601 date or instant."];
        }

        if (from is not null && !DateTimeOffset.TryParse(from, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out start))
        {
            errors["from"] = ["must be an ISO 8601 date or instant."];
        }
        else if (from is null && to is not null)
        {
            start = end.AddDays(-1);
        }

        if (!errors.ContainsKey("from") && !errors.ContainsKey("to") && (end <= start || end - start > TimeSpan.FromDays(400)))
        {
            errors["to"] = ["must be after from, at most 400 days later."];
        }

        return (start, end);
    }

    /// <summary>The position a usage page's cursor stands for (0 without one); a cursor this API did not return is an error.</summary>
    internal static int Offset(string? cursor, Dictionary<string, string[]> errors)
    {
        var offset = 0;
        if (cursor is not null && !(cursor.Length == 6 && Base64Url.IsValid(cursor) && Base64Url.DecodeFromChars(cursor) is { Length: 4 } bytes &&
            (offset = BinaryPrimitives.ReadInt32BigEndian(bytes)) > 0))
        {
            errors["cursor"] = ["is not a cursor this API returned."];
        }

        return offset;
    }

    /// <summary>The cursor of the page that starts at <paramref name="offset"/>.</summary>
    internal static string Cursor(int offset)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, offset);
        return Base64Url.EncodeToString(bytes);
    }
}
