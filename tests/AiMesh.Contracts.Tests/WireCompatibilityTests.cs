using System.Reflection;
using System.Text.Json;
using AiMesh.Contracts.Integration;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Routing;
using AiMesh.Contracts.Secrets;
using MassTransit.Serialization;

namespace AiMesh.Contracts.Tests;

/// <summary>
/// The rules of docs/contracts.md, enforced: yesterday's messages (the JSON files under v1/, as MassTransit's
/// serializer writes them) still read today, and no message type was renamed, moved or removed.
/// </summary>
public sealed class WireCompatibilityTests
{
    private static readonly JsonSerializerOptions Wire = SystemTextJsonMessageSerializer.Options;

    private static readonly Type[] Messages = typeof(AuthorizeRequest).Assembly.GetExportedTypes()
        .Where(t => t.Namespace!.StartsWith("AiMesh.Contracts.", StringComparison.Ordinal) && !t.IsAbstract && t.IsClass && !typeof(Attribute).IsAssignableFrom(t))
        .ToArray();

    private static T Read<T>(string file) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "v1", file)), Wire)!;

    [Fact]
    public void No_message_type_was_renamed_moved_or_removed()
    {
        var frozen = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "wire-names.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal);
        var current = Messages.Select(t => t.FullName!).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(frozen.Except(current));
        Assert.Empty(current.Except(frozen));
    }

    [Fact]
    public void Messages_are_records_that_carry_data_only()
    {
        foreach (var type in Messages)
        {
            Assert.True(type.IsSealed, $"{type.Name} is sealed");
            Assert.Equal(typeof(object), type.BaseType);
            Assert.NotNull(type.GetMethod("<Clone>$"));
            var behaviour = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => !m.IsSpecialName && m.Name is not ("ToString" or "Equals" or "GetHashCode" or "Deconstruct" or "<Clone>$"));
            Assert.Empty(behaviour);
        }
    }

    [Fact]
    public void A_v1_authorization_without_members_added_later_still_reads()
    {
        var message = Read<RequestAuthorized>("RequestAuthorized.json");
        Assert.Equal("billing-app", message.PrincipalId);
        Assert.Equal(["gpt-4o-mini"], message.AllowedModels);
        Assert.Null(message.TeamId);
        Assert.False(message.Routed);
        Assert.Null(message.Limits);
        Assert.Null(message.Settlement);
        Assert.Null(message.OrganizationId);
        Assert.False(message.LogBodies);
    }

    [Fact]
    public void A_count_with_only_its_count_reads_as_exact_and_without_error()
    {
        var message = Read<TokensCounted>("TokensCounted.json");
        Assert.Equal((42, false, null, null), (message.InputTokens, message.Estimated, message.Status, message.ErrorCode));
    }

    [Fact]
    public void A_v1_route_command_reads()
    {
        var message = Read<RouteCompletion>("RouteCompletion.json");
        Assert.Equal(("chat.completions", "gpt-4o-mini", true), (message.Api, message.Model, message.Stream));
        Assert.Equal("rabbitmq://localhost/aimesh-ingress-abc?temporary=true", message.StreamAddress!.ToString());
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero), message.Deadline);
        Assert.Equal((null, null, null), (message.KeyId, message.TeamId, message.OrganizationId));
    }

    [Fact]
    public void A_v1_failure_with_usage_but_without_optional_usage_members_reads()
    {
        var message = Read<CompletionFailed>("CompletionFailed.json");
        Assert.Equal((502, "truncated", 4), (message.Status, message.Outcome, message.ChunkCount));
        Assert.Equal(new TokenUsage(12, 4), message.Usage);
        Assert.Null(message.Cost);
    }

    [Fact]
    public void A_v1_usage_record_reads()
    {
        var message = Read<RecordUsage>("RecordUsage.json");
        Assert.Equal(("ok", 200, 30), (message.Outcome, message.Status, message.Usage!.CompletionTokens));
        Assert.Equal("blue", message.Tags!["team"]);
        Assert.Null(message.Cost);
        Assert.Null(message.TeamId);
        Assert.Null(message.OrganizationId);
        Assert.Null(message.Bodies);
    }

    [Fact]
    public void Logged_bodies_travel_on_the_usage_record_and_back_in_the_read_answer()
    {
        var bodies = new UsageBodies("{\"model\":\"m\",\"messages\":[]}", "{\"choices\":[]}", RequestTruncated: true);
        var record = new RecordUsage(Guid.NewGuid(), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "p", "k", "chat.completions", "m", null, null, 0,
            CompletionOutcomes.Ok, 200, null, null, 1, null, false, null, null, null, null, null, Bodies: bodies);
        var found = new UsageRecordFound(Guid.NewGuid(), record, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        var copy = JsonSerializer.Deserialize<UsageRecordFound>(JsonSerializer.Serialize(found, Wire), Wire)!;

        Assert.Equal(bodies, copy.Record!.Bodies);
        Assert.Equal(found.BodiesStoredAt, copy.BodiesStoredAt);
        Assert.True(JsonSerializer.Deserialize<RequestAuthorized>(
            JsonSerializer.Serialize(new RequestAuthorized(Guid.NewGuid(), "p", "k", null, LogBodies: true), Wire), Wire)!.LogBodies);
    }

    [Fact]
    public void Rendered_bodies_travel_and_bodies_from_before_read_without_them()
    {
        var bodies = new UsageBodies("{\"prompt\":{}}", null, Rendered: "{\"messages\":[]}", RenderedTruncated: true);
        Assert.Equal(bodies, JsonSerializer.Deserialize<UsageBodies>(JsonSerializer.Serialize(bodies, Wire), Wire));

        var before = JsonSerializer.Deserialize<UsageBodies>("""{"request":"{}","response":null,"requestTruncated":false,"responseTruncated":true}""", Wire)!;
        Assert.Equal(new UsageBodies("{}", null, ResponseTruncated: true), before);
        Assert.Null(before.Rendered);
        Assert.False(before.RenderedTruncated);
    }

    [Fact]
    public void The_finance_event_is_marked_as_an_integration_event_and_reads()
    {
        Assert.Equal(1, typeof(UsageMetered).GetCustomAttribute<IntegrationEventAttribute>()!.Version);
        var message = Read<UsageMetered>("UsageMetered.json");
        Assert.Equal((12, 30), (message.InputTokens, message.OutputTokens));
        Assert.Null(message.Cost);
        Assert.Null(message.CostEstimated);
        Assert.Null(message.OrganizationId);
        Assert.Null(message.Source);
    }

    [Fact]
    public void A_router_report_batch_round_trips_exactly_and_is_persistent()
    {
        var report = new RouterReport(Guid.NewGuid(), "user:u-1", "key-1", "team-1", "org-1", "chat.completions", "gpt-4o-mini",
            "mock-mini", "openai", 1, 1, CompletionOutcomes.Truncated, 502, "stream_truncated", new TokenUsage(12, 4, Estimated: true),
            new Cost(0.0000123456789m, "USD", "2026-11-01", Estimated: true), 12.5, true,
            new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 23, 8, 0, 1, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 23, 8, 10, 0, TimeSpan.Zero));
        var batch = new RecordRouterReports([report]);

        var copy = JsonSerializer.Deserialize<RecordRouterReports>(JsonSerializer.Serialize(batch, Wire), Wire)!;

        Assert.Equal(report, Assert.Single(copy.Reports));
        Assert.False(typeof(RecordRouterReports).IsDefined(typeof(TransientMessageAttribute), false));
    }

    [Fact]
    public void A_route_carries_the_admitted_key_team_and_organization_when_its_sender_knows_them()
    {
        var route = new RouteCompletion(Guid.NewGuid(), "chat.completions", "gpt-4o-mini", "{}", false, null, DateTimeOffset.UnixEpoch, "user:u-1",
            KeyId: "key-1", TeamId: "team-1", OrganizationId: "org-1");
        var copy = JsonSerializer.Deserialize<RouteCompletion>(JsonSerializer.Serialize(route, Wire), Wire)!;
        Assert.Equal(("key-1", "team-1", "org-1"), (copy.KeyId, copy.TeamId, copy.OrganizationId));
    }

    [Fact]
    public void The_organization_travels_from_the_admission_through_the_usage_record_to_the_finance_event_and_the_export()
    {
        const string org = "0b9e0000-919e-faec-0001-08df488b00aa";
        var authorized = new RequestAuthorized(Guid.NewGuid(), "user:u", "k", null, "t", OrganizationId: org);
        var record = new RecordUsage(Guid.NewGuid(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "p", "k", "chat.completions", "m", "d", "openai", 1,
            CompletionOutcomes.Ok, 200, null, null, 1.5, null, false, null, null, null, null, null, TeamId: "t", OrganizationId: org);
        var metered = new UsageMetered(Guid.NewGuid(), Guid.NewGuid(), DateTimeOffset.UtcNow, "p", "t", "m", "d", "ok", 1, 2, null, null, null, OrganizationId: org);
        var export = new ExportUsage(Guid.NewGuid(), "", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow, org);
        var line = new UsageExportLine(new DateOnly(2026, 11, 23), "k", 1, 2, 3, 0, 0, 0.5m, "USD", ["v1"], "t");

        Assert.Equal(org, JsonSerializer.Deserialize<RequestAuthorized>(JsonSerializer.Serialize(authorized, Wire), Wire)!.OrganizationId);
        Assert.Equal(org, JsonSerializer.Deserialize<RecordUsage>(JsonSerializer.Serialize(record, Wire), Wire)!.OrganizationId);
        Assert.Equal(org, JsonSerializer.Deserialize<UsageMetered>(JsonSerializer.Serialize(metered, Wire), Wire)!.OrganizationId);
        Assert.Equal(org, JsonSerializer.Deserialize<ExportUsage>(JsonSerializer.Serialize(export, Wire), Wire)!.OrganizationId);
        Assert.Equal("t", JsonSerializer.Deserialize<UsageExportLine>(JsonSerializer.Serialize(line, Wire), Wire)!.TeamId);

        // Yesterday's export request and line (before these members) read as a team's export and a line without a team.
        var before = JsonSerializer.Deserialize<ExportUsage>("""{"requestId":"6f0b0000-0000-0000-0000-000000000001","teamId":"t","from":"2026-11-22T00:00:00Z","to":"2026-11-23T00:00:00Z"}""", Wire)!;
        var oldLine = JsonSerializer.Deserialize<UsageExportLine>("""{"day":"2026-11-22","keyId":"k","requests":1,"inputTokens":2,"outputTokens":3,"cachedTokens":0,"reasoningTokens":0,"cost":0.5,"currency":"USD","priceTableVersions":["v1"]}""", Wire)!;
        Assert.Equal(("t", (string?)null), (before.TeamId, before.OrganizationId));
        Assert.Equal(("k", (string?)null), (oldLine.KeyId, oldLine.TeamId));
    }

    [Fact]
    public void A_cost_travels_exactly_on_the_router_answers_the_usage_record_and_the_finance_event()
    {
        // Seven and a half millionths: a price per token is this small, and a double would not carry it exactly.
        var cost = new Cost(0.0000075m, "USD", "2026-11-23", Estimated: true);
        var routed = new CompletionRouted(Guid.NewGuid(), 200, "{}", 0, "d", "openai", 1, new TokenUsage(10, 5), 1.0, null, cost);
        var failed = new CompletionFailed(Guid.NewGuid(), 502, "api_error", "upstream_stream_truncated", "cut", null, null, 3,
            CompletionOutcomes.Truncated, "d", "openai", 1, null, cost);
        var record = new RecordUsage(Guid.NewGuid(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "p", "k", "chat.completions", "m", "d", "openai", 1,
            CompletionOutcomes.Ok, 200, null, new TokenUsage(10, 5), 1.5, null, true, null, null, null, null, null, cost);
        var metered = new UsageMetered(Guid.NewGuid(), Guid.NewGuid(), DateTimeOffset.UtcNow, "p", null, "m", "d", "ok", 10, 5, 0.0000075m, "USD", "2026-11-23", true);

        Assert.Equal(cost, JsonSerializer.Deserialize<CompletionRouted>(JsonSerializer.Serialize(routed, Wire), Wire)!.Cost);
        Assert.Equal(cost, JsonSerializer.Deserialize<CompletionFailed>(JsonSerializer.Serialize(failed, Wire), Wire)!.Cost);
        Assert.Equal(cost, JsonSerializer.Deserialize<RecordUsage>(JsonSerializer.Serialize(record, Wire), Wire)!.Cost);
        var copy = JsonSerializer.Deserialize<UsageMetered>(JsonSerializer.Serialize(metered, Wire), Wire)!;
        Assert.Equal((0.0000075m, "USD", "2026-11-23", (bool?)true), (copy.Cost, copy.Currency, copy.PriceTableVersion, copy.CostEstimated));
    }

    [Fact]
    public void A_v1_authorization_request_reads_as_an_api_key_without_a_principal()
    {
        var message = Read<AuthorizeRequest>("AuthorizeRequest.json");
        Assert.Equal(("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "gpt-4o-mini"), (message.CredentialHash, message.Model));
        Assert.Null(message.Principal);
    }

    [Fact]
    public void A_verified_principal_round_trips_through_the_wire_format()
    {
        var original = new AuthorizeRequest(Guid.NewGuid(), "", "chat.completions", "gpt-4o-mini", null,
            Principal: new VerifiedPrincipal("jwt", "https://idp.example/", "alice", "research", ["member"]));
        var copy = JsonSerializer.Deserialize<AuthorizeRequest>(JsonSerializer.Serialize(original, Wire), Wire)!;
        Assert.Equal(original with { Principal = null }, copy with { Principal = null });
        Assert.Equal(("jwt", "https://idp.example/", "alice", "research"), (copy.Principal!.Method, copy.Principal.Issuer, copy.Principal.Subject, copy.Principal.Team));
        Assert.Equal(["member"], copy.Principal.Roles);
    }

    [Fact]
    public void A_credentials_answer_without_its_availability_reads_as_available_and_a_change_round_trips()
    {
        var answer = JsonSerializer.Deserialize<ProviderCredentialsListed>(
            """{"requestId":"6f1c2f6e-5b1a-4d0e-9a57-0c1d2e3f4a5b","credentials":[{"credentialId":"0b9e1f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b","name":"openai-prod","version":3,"keyId":"00112233aabbccdd","ciphertext":"AAAA"}]}""",
            Wire)!;
        var change = new ProviderCredentialChanged(Guid.NewGuid(), "openai-prod", 4, "00112233aabbccdd", "AAAA", false);

        Assert.True(answer.Available);
        Assert.Equal(("openai-prod", 3L), (answer.Credentials[0].Name, answer.Credentials[0].Version));
        Assert.Equal(change, JsonSerializer.Deserialize<ProviderCredentialChanged>(JsonSerializer.Serialize(change, Wire), Wire));
    }

    [Fact]
    public void A_settle_from_before_budgets_reads_without_budgets_or_cost_and_todays_carries_them_exactly()
    {
        var old = Read<SettleRequest>("SettleRequest.json");
        Assert.Equal((120L, 40L), (old.Settlement.ChargedTokens, old.UsedTokens!.Value));
        Assert.Equal((null, 0m, null), (old.Settlement.Budgets, old.Settlement.ReservedCost, old.Cost));

        var settle = new SettleRequest(Guid.NewGuid(), new LimitSettlement([], [], 0, Budgets: ["team:t-1|month:2026-11-01"], ReservedCost: 0.0000165m), 25,
            new Cost(0.0000075m, "USD", "2026-11-23"));
        var copy = JsonSerializer.Deserialize<SettleRequest>(JsonSerializer.Serialize(settle, Wire), Wire)!;
        Assert.Equal((0.0000165m, "team:t-1|month:2026-11-01", settle.Cost), (copy.Settlement.ReservedCost, Assert.Single(copy.Settlement.Budgets!), copy.Cost));
    }

    [Fact]
    public void The_budget_threshold_event_is_a_versioned_integration_event_that_round_trips()
    {
        Assert.Equal(1, typeof(BudgetThresholdReached).GetCustomAttribute<IntegrationEventAttribute>()!.Version);
        var reached = new BudgetThresholdReached("team:t-1", "month:2026-11-01", 80, 8.000000001m, 10m, "USD", true, DateTimeOffset.UtcNow);
        Assert.Equal(reached, JsonSerializer.Deserialize<BudgetThresholdReached>(JsonSerializer.Serialize(reached, Wire), Wire));
    }

    [Fact]
    public void Todays_messages_round_trip_through_the_wire_format()
    {
        var original = new RecordUsage(Guid.NewGuid(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "p", "k", "embeddings", "m", null, null, 0,
            CompletionOutcomes.Cancelled, 499, null, new TokenUsage(1, 2, 3, 4, true), 1.5, null, false, null, null, null, null, null);
        var copy = JsonSerializer.Deserialize<RecordUsage>(JsonSerializer.Serialize(original, Wire), Wire);
        Assert.Equal(original with { Tags = null }, copy! with { Tags = null });
    }
}
