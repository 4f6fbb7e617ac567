namespace AiMesh.Cli;

/// <summary>Every command, as a table: <c>aimesh keys|teams|users|credentials|deployments|limits|budgets|usage|prompts|chains &lt;verb&gt;</c>, each one admin API call.</summary>
internal static class Commands
{
    public static IReadOnlyList<CliCommand> All { get; } =
    [
        new("keys", "create", [], ["user", "team", "service-account", "model", "group", "expires", "ip", "tag", "regions"], a => new(HttpMethod.Post, "/admin/keys", new
        {
            owner = new { userId = a.One("user"), teamId = a.One("team"), serviceAccountId = a.One("service-account") },
            models = a.All("model"),
            accessGroups = a.All("group"),
            expiresAt = a.One("expires"),
            ipAllowlist = a.All("ip"),
            tags = Tags(a.All("tag")),
            regions = Regions(a.All("regions")),
        })),
        new("keys", "set-regions", ["key-id"], ["regions"], a => new(HttpMethod.Patch, $"/admin/keys/{Segment(a, 0)}", new { regions = Regions(a.All("regions")) ?? [] })),
        new("keys", "list", [], ["user", "team", "service-account", "owner-team", "organization", "status", "tag", "limit", "cursor"], a => new(HttpMethod.Get, "/admin/keys" + Query(
            ("ownerUserId", a.One("user")), ("teamId", a.One("team")), ("ownerServiceAccountId", a.One("service-account")), ("ownerTeamId", a.One("owner-team")),
            ("organizationId", a.One("organization")), ("status", a.One("status")), ("tag", a.One("tag")), ("limit", a.One("limit")), ("cursor", a.One("cursor"))))),
        new("keys", "get", ["key-id"], [], a => new(HttpMethod.Get, $"/admin/keys/{Segment(a, 0)}")),
        new("keys", "revoke", ["key-id"], [], a => new(HttpMethod.Post, $"/admin/keys/{Segment(a, 0)}/revoke")),
        new("keys", "disable", ["key-id"], [], a => new(HttpMethod.Post, $"/admin/keys/{Segment(a, 0)}/disable")),
        new("keys", "enable", ["key-id"], [], a => new(HttpMethod.Post, $"/admin/keys/{Segment(a, 0)}/enable")),
        new("keys", "rotate", ["key-id"], ["grace-seconds"], a => new(HttpMethod.Post, $"/admin/keys/{Segment(a, 0)}/rotate", new
        {
            graceSeconds = a.One("grace-seconds") is { } grace && int.TryParse(grace, System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : 0,
        })),
        new("teams", "list", [], ["organization", "limit", "cursor"], a => new(HttpMethod.Get, "/admin/teams" + Query(
            ("organizationId", a.One("organization")), ("limit", a.One("limit")), ("cursor", a.One("cursor"))))),
        new("teams", "create", [], ["name", "organization"], a => new(HttpMethod.Post, "/admin/teams", new { name = a.One("name"), organizationId = a.One("organization") })),
        new("teams", "update", ["team-id"], ["tag", "regions", "log-bodies"], a => new(HttpMethod.Patch, $"/admin/teams/{Segment(a, 0)}", new
        {
            tags = Tags(a.All("tag")),
            regions = Regions(a.All("regions")),
            logBodies = a.One("log-bodies") is { } log ? (object)(bool.TryParse(log, out var on) ? on : log) : null,
        })),
        new("teams", "members", ["team-id"], ["limit", "cursor"], a => new(HttpMethod.Get, $"/admin/teams/{Segment(a, 0)}/members" + Query(("limit", a.One("limit")), ("cursor", a.One("cursor"))))),
        new("teams", "add-member", ["team-id", "user-id"], [], a => new(HttpMethod.Put, $"/admin/teams/{Segment(a, 0)}/members/{Segment(a, 1)}")),
        new("teams", "remove-member", ["team-id", "user-id"], [], a => new(HttpMethod.Delete, $"/admin/teams/{Segment(a, 0)}/members/{Segment(a, 1)}")),
        new("users", "list", [], ["organization", "role", "team", "limit", "cursor"], a => new(HttpMethod.Get, "/admin/users" + Query(
            ("organizationId", a.One("organization")), ("role", a.One("role")), ("teamId", a.One("team")), ("limit", a.One("limit")), ("cursor", a.One("cursor"))))),
        new("users", "get", ["user-id"], [], a => new(HttpMethod.Get, $"/admin/users/{Segment(a, 0)}")),
        new("users", "create", [], ["email", "role", "organization"], a => new(HttpMethod.Post, "/admin/users", new { email = a.One("email"), role = a.One("role"), organizationId = a.One("organization") })),
        new("credentials", "create", [], ["name", "provider", "value-file"], a => new(HttpMethod.Post, "/admin/credentials", new
        {
            name = a.One("name"), provider = a.One("provider"), value = a.Secret,
        }), ReadsSecret: true),
        new("credentials", "list", [], ["limit", "cursor"], a => new(HttpMethod.Get, "/admin/credentials" + Query(("limit", a.One("limit")), ("cursor", a.One("cursor"))))),
        new("credentials", "get", ["credential-id"], [], a => new(HttpMethod.Get, $"/admin/credentials/{Segment(a, 0)}")),
        new("credentials", "set", ["credential-id"], ["value-file"], a => new(HttpMethod.Put, $"/admin/credentials/{Segment(a, 0)}/value", new { value = a.Secret }), ReadsSecret: true),
        new("credentials", "delete", ["credential-id"], [], a => new(HttpMethod.Delete, $"/admin/credentials/{Segment(a, 0)}")),
        new("deployments", "list", [], [], _ => new(HttpMethod.Get, "/admin/deployments")),
        new("users", "set-role", ["user-id", "role"], [], a => new(HttpMethod.Put, $"/admin/users/{Segment(a, 0)}/role", new { role = a.Positional[3] })),

        // Shadow traffic compared (primary beside candidate), and one comparison's results.
        new("usage", "shadow", [], ["model", "from", "to", "limit", "cursor"], a => new(HttpMethod.Get, "/admin/usage/shadow" + Query(
            ("model", a.One("model")), ("from", a.One("from")), ("to", a.One("to")), ("limit", a.One("limit")), ("cursor", a.One("cursor"))))),
        new("usage", "shadow-results", [], ["model", "primary", "shadow", "from", "to", "limit", "cursor"], a => new(HttpMethod.Get, "/admin/usage/shadow/results" + Query(
            ("model", a.One("model")), ("primary", a.One("primary")), ("shadow", a.One("shadow")), ("from", a.One("from")), ("to", a.One("to")),
            ("limit", a.One("limit")), ("cursor", a.One("cursor"))))),

        // Limits and budgets of a subject: keys, users, teams or organizations and its id.
        new("limits", "get", ["keys|users|teams|organizations", "id"], [], a => new(HttpMethod.Get, $"/admin/{Segment(a, 0)}/{Segment(a, 1)}/limits")),
        new("limits", "set", ["keys|users|teams|organizations", "id"], ["rps", "rpm", "tpm", "concurrent"], a => new(HttpMethod.Put, $"/admin/{Segment(a, 0)}/{Segment(a, 1)}/limits", new
        {
            requestsPerSecond = Number(a.One("rps")), requestsPerMinute = Number(a.One("rpm")), tokensPerMinute = Number(a.One("tpm")), concurrent = Number(a.One("concurrent")),
        })),
        new("limits", "clear", ["keys|users|teams|organizations", "id"], [], a => new(HttpMethod.Delete, $"/admin/{Segment(a, 0)}/{Segment(a, 1)}/limits")),
        new("budgets", "list", ["keys|users|teams|organizations", "id"], [], a => new(HttpMethod.Get, $"/admin/{Segment(a, 0)}/{Segment(a, 1)}/budgets")),
        new("budgets", "set", ["keys|users|teams|organizations", "id", "day|week|month|total"], ["amount", "threshold", "hard"], a => new(HttpMethod.Put, $"/admin/{Segment(a, 0)}/{Segment(a, 1)}/budgets/{Segment(a, 2)}", new
        {
            amount = Number(a.One("amount")), softThresholds = a.All("threshold")?.Select(Number).ToList(), hard = a.One("hard") is { } hard ? (object)(bool.TryParse(hard, out var b) ? b : hard) : null,
        })),
        new("budgets", "clear", ["keys|users|teams|organizations", "id", "day|week|month|total"], [], a => new(HttpMethod.Delete, $"/admin/{Segment(a, 0)}/{Segment(a, 1)}/budgets/{Segment(a, 2)}")),

        // The prompt registry: a version's messages as --msg role=text in order (text @path: the file's content), its
        // variables, preferred model and parameters (--param name=value, the value JSON when it reads as JSON).
        new("prompts", "list", [], ["organization", "limit", "cursor"], a => new(HttpMethod.Get, "/admin/prompts" + Query(
            ("organizationId", a.One("organization")), ("limit", a.One("limit")), ("cursor", a.One("cursor"))))),
        new("prompts", "show", ["name"], ["version"], a => new(HttpMethod.Get, $"/admin/prompts/{Segment(a, 0)}" + (a.One("version") is { } v ? $"/versions/{Uri.EscapeDataString(v)}" : ""))),
        new("prompts", "create", ["name"], ["organization"], a => new(HttpMethod.Post, "/admin/prompts", new { name = a.Positional[2], organizationId = a.One("organization") })),
        new("prompts", "publish", ["name"], ["msg", "variable", "model", "param", "schema", "message"], a => new(HttpMethod.Post, $"/admin/prompts/{Segment(a, 0)}/versions", new
        {
            messages = a.All("msg")?.Select(m => m.Split('=', 2)).Select(p => new { role = p[0], content = p.Length > 1 ? Text(p[1]) : "" }).ToList(),
            variables = a.All("variable"),
            model = a.One("model"),
            parameters = a.All("param")?.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Json(p.Length > 1 ? p[1] : ""), StringComparer.Ordinal),
            variablesSchema = a.One("schema") is { } schema ? Json(Text(schema)) : null,
            message = a.One("message"),
        })),
        new("prompts", "label", ["name", "label", "version"], ["expected"], a => new(HttpMethod.Put, $"/admin/prompts/{Segment(a, 0)}/labels/{Segment(a, 1)}", new
        {
            version = Number(a.Positional[4]), expectedVersion = Number(a.One("expected")),
        })),
        new("prompts", "rollback", ["name", "label"], [], a => new(HttpMethod.Post, $"/admin/prompts/{Segment(a, 0)}/labels/{Segment(a, 1)}/rollback", new { })),
        new("prompts", "diff", ["name", "from", "to"], [], a => new(HttpMethod.Get, $"/admin/prompts/{Segment(a, 0)}/diff" + Query(("from", a.Positional[3]), ("to", a.Positional[4])))),
        new("prompts", "render", ["name"], ["version", "label", "var"], a => new(HttpMethod.Post, $"/admin/prompts/{Segment(a, 0)}/render", new
        {
            version = Number(a.One("version")),
            label = a.One("label"),
            variables = (a.All("var") ?? []).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Json(p.Length > 1 ? p[1] : ""), StringComparer.Ordinal),
        })),

        // A prompt published as an API: set (PUT, the whole setting), delete, and anything else shows it (a mistyped verb
        // only reads). --output-schema takes JSON or @path; --enabled false publishes it switched off.
        new("prompts", "api", ["set|show|delete", "name"], ["path", "label", "version", "model", "output", "output-schema", "rpm", "enabled"], a => a.Positional[2] switch
        {
            "set" => new(HttpMethod.Put, $"/admin/prompts/{Segment(a, 1)}/api", new
            {
                path = a.One("path"),
                label = a.One("label"),
                version = Number(a.One("version")),
                model = a.One("model"),
                output = a.One("output"),
                outputSchema = a.One("output-schema") is { } schema ? Json(Text(schema)) : null,
                requestsPerMinute = Number(a.One("rpm")),
                enabled = a.One("enabled") is not "false",
            }),
            "delete" => new(HttpMethod.Delete, $"/admin/prompts/{Segment(a, 1)}/api"),
            _ => new(HttpMethod.Get, $"/admin/prompts/{Segment(a, 1)}/api"),
        }),
        // Every published API (the whole word after "api" is read as list: with one argument, nothing but the list is asked).
        new("prompts", "api", ["list"], ["organization", "limit", "cursor"], a => new(HttpMethod.Get, "/admin/prompts/apis" + Query(
            ("organizationId", a.One("organization")), ("limit", a.One("limit")), ("cursor", a.One("cursor"))))),

        // Experiments: a label's requests split by --version number=percent (repeated, summing to 100), ended by end-split;
        // a prompt's figures per version over --from/--to (ISO 8601; default the last 24 hours).
        new("prompts", "split", ["name", "label"], ["version"], a => new(HttpMethod.Put, $"/admin/prompts/{Segment(a, 0)}/labels/{Segment(a, 1)}/split", new
        {
            versions = a.All("version")?.Select(v => v.Split('=', 2)).Select(p => new { version = Number(p[0]), percent = Number(p.Length > 1 ? p[1] : "") }).ToList(),
        })),
        new("prompts", "end-split", ["name", "label"], [], a => new(HttpMethod.Delete, $"/admin/prompts/{Segment(a, 0)}/labels/{Segment(a, 1)}/split")),
        new("prompts", "stats", ["name"], ["from", "to"], a => new(HttpMethod.Get, $"/admin/prompts/{Segment(a, 0)}/stats" + Query(("from", a.One("from")), ("to", a.One("to"))))),

        // Prompt chains: the definition as JSON ({"model", "steps": [...]}, inline or @path) with the owning organization
        // apart; a run's input as JSON, sent to the OpenAI surface with the same bearer credential (for a run, a virtual key).
        new("chains", "set", ["name"], ["definition", "organization"], a => new(HttpMethod.Put, $"/admin/chains/{Segment(a, 0)}", Definition(a))),
        new("chains", "show", ["name"], [], a => new(HttpMethod.Get, $"/admin/chains/{Segment(a, 0)}")),
        new("chains", "delete", ["name"], [], a => new(HttpMethod.Delete, $"/admin/chains/{Segment(a, 0)}")),
        new("chains", "run", ["name"], ["input"], a => new(HttpMethod.Post, $"/v1/chains/{Segment(a, 0)}/run", Json(Text(a.One("input") ?? "{}")))),
    ];

    /// <summary>A chain's <c>--definition</c> (JSON, or <c>@path</c>) with <c>--organization</c> added; as given when it is not a JSON object, so the API names the fault.</summary>
    private static System.Text.Json.Nodes.JsonNode? Definition(CliArguments a)
    {
        var definition = Json(Text(a.One("definition") ?? "{}"));
        if (definition is System.Text.Json.Nodes.JsonObject fields && a.One("organization") is { } organization)
        {
            fields["organizationId"] = organization;
        }

        return definition;
    }

    /// <summary><c>@path</c>: the file's text (a template is often many lines); anything else as given.</summary>
    private static string Text(string value) => value.StartsWith('@') ? File.ReadAllText(value[1..]) : value;

    /// <summary>A value as JSON when it parses as JSON (<c>3</c>, <c>true</c>, <c>{"a":1}</c>); otherwise the text as a string.</summary>
    private static System.Text.Json.Nodes.JsonNode? Json(string value)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(value);
        }
        catch (System.Text.Json.JsonException)
        {
            return System.Text.Json.Nodes.JsonValue.Create(value);
        }
    }

    /// <summary>A number as JSON when it reads as one; otherwise the text as given, so the API's answer names the field.</summary>
    private static object? Number(string? value) =>
        value is null ? null
        : decimal.TryParse(value, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number
        : value;

    /// <summary>Positional argument <paramref name="index"/> after the two command words, escaped for a path.</summary>
    private static string Segment(CliArguments arguments, int index) => Uri.EscapeDataString(arguments.Positional[2 + index]);

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? "" : "?" + string.Join('&', given);
    }

    /// <summary><c>--regions eu,us</c> or <c>--regions eu --regions us</c>; <c>--regions ""</c> is the empty list (no restriction).</summary>
    private static List<string>? Regions(IReadOnlyList<string>? regions) =>
        regions?.SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    private static Dictionary<string, string>? Tags(IReadOnlyList<string>? tags) =>
        tags?.Select(t => t.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
}
