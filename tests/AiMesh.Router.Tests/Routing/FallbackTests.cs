using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Reporting;
using AiMesh.Router.Tests.Support;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Routing;

/// <summary>
/// Fallback groups by error class (issue 6, "Fallbacks"; services/router/Routing/FallbackChain.cs): a model's group that
/// ended rate limited or unavailable hands the request to <c>Fallbacks</c>, a <c>context_length_exceeded</c> to
/// <c>ContextFallbacks</c>, a <c>content_filter</c> to <c>ContentFilterFallbacks</c> (none by default). Against the mock
/// provider on a real socket: each model's deployment points at its own scenario, and the mock records which upstream
/// model every call was for, so the counts per group are what the provider saw.
/// </summary>
public sealed class FallbackTests
{
    [Fact]
    public async Task A_rate_limited_or_unavailable_group_hands_the_request_to_the_next_and_every_call_is_counted_once()
    {
        // 429 with a Retry-After beyond MaxRetryAfter: not retried on the same deployment, so one call, then the fallback.
        await using var limited = await RouterMesh.StartAsync("status=429;retryAfter=60", s => Fallbacks(s, ("model-b", null)));

        // 503: the group's own retries first (3 attempts), then the fallback.
        await using var unavailable = await RouterMesh.StartAsync("status=503", s => Fallbacks(s, ("model-b", null)));

        var request = Chat();
        var (routed, failed) = await limited.Router.RouteAsync(request);
        var (afterRetries, failedAfterRetries) = await unavailable.Router.RouteAsync(Chat());

        Assert.True(routed is not null, failed?.Message);
        Assert.Equal(("deploy-model-b", 2), (routed.Deployment, routed.Attempts));
        Assert.Equal((1, 1), (Calls(limited, "mock-gpt"), Calls(limited, "up-model-b")));
        Assert.Contains("up-model-b", routed.Body, StringComparison.Ordinal);
        Assert.True(afterRetries is not null, failedAfterRetries?.Message);
        Assert.Equal(("deploy-model-b", 4), (afterRetries.Deployment, afterRetries.Attempts));
        Assert.Equal((3, 1), (Calls(unavailable, "mock-gpt"), Calls(unavailable, "up-model-b")));

        // Metered once, as answered: the report names the fallback's deployment and every call.
        var report = await SingleReportAsync(limited.Router, request.RequestId);
        Assert.Equal(("deploy-model-b", 2, 1, CompletionOutcomes.Ok), (report.Deployment, report.Attempts, report.BilledAttempts, report.Outcome));
        Assert.Contains(limited.Router.Logs.Lines, l => l.Contains("[3050]", StringComparison.Ordinal) && l.Contains("falling back to model-b", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_prompt_too_long_goes_to_the_context_group_only_and_without_one_the_client_gets_the_400()
    {
        await using var mesh = await RouterMesh.StartAsync("errorCode=context_length_exceeded", s =>
        {
            Fallbacks(s, ("model-b", null), ("model-c", null));
            s["Router:Models:gpt-4o-mini:ContextFallbacks:0"] = "model-c";
        });
        await using var none = await RouterMesh.StartAsync("errorCode=context_length_exceeded", s => Fallbacks(s, ("model-b", null)));

        var (routed, failed) = await mesh.Router.RouteAsync(Chat());
        var (_, tooLong) = await none.Router.RouteAsync(Chat());

        Assert.True(routed is not null, failed?.Message);
        Assert.Equal(("deploy-model-c", 2), (routed.Deployment, routed.Attempts));
        Assert.Equal((1, 0, 1), (Calls(mesh, "mock-gpt"), Calls(mesh, "up-model-b"), Calls(mesh, "up-model-c")));
        Assert.Equal((400, "context_length_exceeded", 1), (tooLong!.Status, tooLong.Code, tooLong.Attempts));
        Assert.Equal(0, Calls(none, "up-model-b"));
    }

    [Fact]
    public async Task A_content_filter_refusal_goes_to_its_configured_group_or_by_default_back_to_the_client()
    {
        await using var configured = await RouterMesh.StartAsync("errorCode=content_filter", s =>
        {
            Fallbacks(s, ("model-b", null), ("model-c", null));
            s["Router:Models:gpt-4o-mini:ContentFilterFallbacks:0"] = "model-c";
        });
        await using var byDefault = await RouterMesh.StartAsync("errorCode=content_filter", s => Fallbacks(s, ("model-b", null)));

        var (routed, failed) = await configured.Router.RouteAsync(Chat());
        var (_, refused) = await byDefault.Router.RouteAsync(Chat());

        Assert.True(routed is not null, failed?.Message);
        Assert.Equal(("deploy-model-c", 2), (routed.Deployment, routed.Attempts));
        Assert.Equal(0, Calls(configured, "up-model-b"));
        Assert.Equal((400, "content_filter", 1, "mock-chat"), (refused!.Status, refused.Code, refused.Attempts, refused.Deployment));
        Assert.Equal(0, Calls(byDefault, "up-model-b"));
    }

    [Fact]
    public async Task Fallback_cycles_are_rejected_at_start_each_named_with_the_other_errors()
    {
        var settings = RouterHost.Settings(new Uri("http://127.0.0.1:9/v1"));
        Fallbacks(settings, ("model-b", null), ("model-c", null));
        settings["Router:Models:model-b:Fallbacks:0"] = "gpt-4o-mini";
        settings["Router:Models:model-c:ContextFallbacks:0"] = "model-c";
        settings["Router:Models:model-c:Fallbacks:0"] = "no-such-model";
        settings["Router:Fallbacks:MaxDepth"] = "0";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RouterHost.StartAsync(settings));

        Assert.Contains("Router:Models: the fallbacks form a cycle: gpt-4o-mini → model-b → gpt-4o-mini.", error.Failures);
        Assert.Contains("Router:Models: the fallbacks form a cycle: model-c → model-c.", error.Failures);
        Assert.Contains("Router:Models:model-c:Fallbacks:0 must name a model a deployment serves.", error.Failures);
        Assert.Contains(error.Failures, f => f.StartsWith("Router:Fallbacks: MaxDepth must be", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_chain_of_fallbacks_stops_at_the_depth_limit_and_answers_with_the_last_real_error()
    {
        await using var mesh = await RouterMesh.StartAsync("status=500", s =>
        {
            Fallbacks(s, ("model-b", "status=503"));
            Model(s, 3, "model-c", "status=502");
            Model(s, 4, "model-d", null);
            s["Router:Models:model-b:Fallbacks:0"] = "model-c";
            s["Router:Models:model-c:Fallbacks:0"] = "model-d";
            s["Router:Fallbacks:MaxDepth"] = "2";
            s["Router:Retries:MaxAttempts"] = "1";
        });

        var (_, failed) = await mesh.Router.RouteAsync(Chat());

        // gpt-4o-mini (500) → model-b (503, depth 1) → model-c (502, depth 2): model-c's own fallback is one hop too far.
        Assert.Equal((502, "upstream_error", "deploy-model-c", 3), (failed!.Status, failed.Code, failed.Deployment, failed.Attempts));
        Assert.Equal((1, 1, 1, 0), (Calls(mesh, "mock-gpt"), Calls(mesh, "up-model-b"), Calls(mesh, "up-model-c"), Calls(mesh, "up-model-d")));
        Assert.Contains(mesh.Router.Logs.Lines, l => l.Contains("[3052]", StringComparison.Ordinal) && l.Contains("model-c", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fallback_that_refuses_without_a_call_leaves_the_answer_to_the_last_provider_error_and_with_no_call_at_all_to_the_refusal()
    {
        await using var mesh = await RouterMesh.StartAsync("status=500", s =>
        {
            Fallbacks(s, ("model-b", null));
            s["Router:Deployments:2:Limits:RequestsPerMinute"] = "1";
            s["Router:Retries:MaxAttempts"] = "1";
        });
        await using var refusing = await RouterMesh.StartAsync(configure: s =>
        {
            Fallbacks(s, ("model-b", null));
            s["Router:Deployments:0:Limits:RequestsPerMinute"] = "1";
            s["Router:Deployments:2:Limits:RequestsPerMinute"] = "1";
        });

        // model-b's one call a minute spent directly; and in the second mesh both models' calls.
        Assert.NotNull((await mesh.Router.RouteAsync(Chat("model-b"))).Routed);
        Assert.NotNull((await refusing.Router.RouteAsync(Chat("model-b"))).Routed);
        Assert.NotNull((await refusing.Router.RouteAsync(Chat())).Routed);
        var (_, failed) = await mesh.Router.RouteAsync(Chat());
        var (_, refused) = await refusing.Router.RouteAsync(Chat());

        Assert.Equal((500, "upstream_error", "mock-chat", 1), (failed!.Status, failed.Code, failed.Deployment, failed.Attempts));
        Assert.Equal((1, 1), (Calls(mesh, "mock-gpt"), Calls(mesh, "up-model-b")));
        Assert.Equal((429, "rate_limit_exceeded", "deploy-model-b", 0), (refused!.Status, refused.Code, refused.Deployment, refused.Attempts));
        Assert.Equal(2, refusing.Mock.Recorder.Snapshot().Count);
    }

    [Fact]
    public async Task A_stream_fails_over_before_its_first_chunk_and_one_cut_after_its_first_chunk_does_not()
    {
        await using var early = await RouterMesh.StartAsync("status=503", s => Fallbacks(s, ("model-b", null)));
        await using var cut = await RouterMesh.StartAsync("cutAfter=2", s => Fallbacks(s, ("model-b", null)));

        var (routed, failedEarly) = await early.Router.RouteAsync(Stream());
        var (_, failed) = await cut.Router.RouteAsync(Stream());

        Assert.True(routed is not null, failedEarly?.Message);
        Assert.Equal(("deploy-model-b", 4), (routed.Deployment, routed.Attempts));
        Assert.True(routed.ChunkCount > 0);
        Assert.Equal((502, "upstream_stream_truncated", CompletionOutcomes.Truncated, 1), (failed!.Status, failed.Code, failed.Outcome, failed.Attempts));
        Assert.True(failed.ChunkCount > 0);
        Assert.Equal((1, 0), (Calls(cut, "mock-gpt"), Calls(cut, "up-model-b")));
    }

    [Fact]
    public async Task The_whole_chain_keeps_to_the_one_deadline()
    {
        // The fallback is tried, and cut by the request's deadline: the answer comes by then, its two calls counted.
        await using var slow = await RouterMesh.StartAsync("status=503", s =>
        {
            Fallbacks(s, ("model-b", "latency=30000"));
            s["Router:Retries:MaxAttempts"] = "1";
        });

        // The first group fails too late for a fallback to fit (less than BaseDelay left): none is started.
        await using var late = await RouterMesh.StartAsync("latency=3500;status=503", s =>
        {
            Fallbacks(s, ("model-b", null));
            s["Router:Retries:MaxAttempts"] = "1";
            s["Router:Retries:BaseDelay"] = "00:00:02";
            s["Router:Retries:MaxDelay"] = "00:00:02";
        });

        var started = DateTimeOffset.UtcNow;
        var (_, cutByDeadline) = await slow.Router.RouteAsync(Chat(deadline: started.AddSeconds(3)));
        var ended = DateTimeOffset.UtcNow;
        var (_, tooLate) = await late.Router.RouteAsync(Chat(deadline: DateTimeOffset.UtcNow.AddSeconds(5)));

        Assert.Equal((504, "deadline_exceeded", "deploy-model-b", 2), (cutByDeadline!.Status, cutByDeadline.Code, cutByDeadline.Deployment, cutByDeadline.Attempts));
        Assert.True(ended - started < TimeSpan.FromSeconds(10), $"the chain took {ended - started}");
        Assert.Equal((503, "mock-chat", 1), (tooLate!.Status, tooLate.Deployment, tooLate.Attempts));
        Assert.Equal(0, Calls(late, "up-model-b"));
        Assert.Contains(late.Router.Logs.Lines, l => l.Contains("[3051]", StringComparison.Ordinal) && l.Contains("deadline", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_more_provider_calls_are_made_in_all_groups_than_MaxCalls()
    {
        await using var mesh = await RouterMesh.StartAsync("status=503", s =>
        {
            Fallbacks(s, ("model-b", "status=503"), ("model-c", null));
            s["Router:Fallbacks:MaxCalls"] = "4";
        });

        var (_, failed) = await mesh.Router.RouteAsync(Chat());

        // Three in the first group, one left for model-b (its retry would be the fifth), none for model-c.
        Assert.Equal((503, "deploy-model-b", 4), (failed!.Status, failed.Deployment, failed.Attempts));
        Assert.Equal((3, 1, 0), (Calls(mesh, "mock-gpt"), Calls(mesh, "up-model-b"), Calls(mesh, "up-model-c")));
    }

    [Fact]
    public async Task A_fallback_after_a_provider_call_takes_a_retry_from_the_budget_and_one_after_refusals_only_does_not()
    {
        static void Unfunded(Dictionary<string, string?> s)
        {
            Fallbacks(s, ("model-b", null));
            s["Router:Retries:BudgetRatio"] = "0";
            s["Router:Retries:BudgetMinPerSecond"] = "0";
        }

        await using var called = await RouterMesh.StartAsync("status=503", Unfunded);
        await using var refused = await RouterMesh.StartAsync(configure: s =>
        {
            Unfunded(s);
            s["Router:Deployments:0:Limits:RequestsPerMinute"] = "1";
        });

        var (_, failed) = await called.Router.RouteAsync(Chat());
        Assert.NotNull((await refused.Router.RouteAsync(Chat())).Routed);
        var (routed, refusedFailed) = await refused.Router.RouteAsync(Chat());

        Assert.Equal((503, "mock-chat", 1), (failed!.Status, failed.Deployment, failed.Attempts));
        Assert.Equal(0, Calls(called, "up-model-b"));
        Assert.Contains(called.Router.Logs.Lines, l => l.Contains("[3051]", StringComparison.Ordinal) && l.Contains("retry_budget", StringComparison.Ordinal));
        Assert.True(routed is not null, refusedFailed?.Message);
        Assert.Equal(("deploy-model-b", 1), (routed.Deployment, routed.Attempts));
    }

    /// <summary>
    /// Adds a deployment per model (index 2 on), each at its own scenario (null: a plain answer), and names them, in
    /// order, the requested model's <c>Fallbacks</c>. Retries are quick; no waiting for capacity.
    /// </summary>
    private static void Fallbacks(Dictionary<string, string?> settings, params (string Model, string? Spec)[] models)
    {
        settings["Router:Retries:BaseDelay"] = "00:00:00.050";
        settings["Router:Retries:MaxDelay"] = "00:00:00.200";

        // A full deployment here is a refusal at once (as with waiting off); waiting first and falling back after the
        // wait is AdmissionTests'. A minute's window could otherwise turn while a request waits.
        settings["Router:Admission:Enabled"] = "false";
        for (var i = 0; i < models.Length; i++)
        {
            Model(settings, 2 + i, models[i].Model, models[i].Spec);
            settings[$"Router:Models:gpt-4o-mini:Fallbacks:{i}"] = models[i].Model;
        }
    }

    /// <summary>Deployment <c>deploy-{model}</c> serving <paramref name="model"/> as upstream model <c>up-{model}</c>.</summary>
    private static void Model(Dictionary<string, string?> settings, int index, string model, string? spec)
    {
        var root = new Uri(new Uri(DeploymentSettings.MockRoot(settings)).GetLeftPart(UriPartial.Authority));
        var baseUrl = spec is null ? new Uri(root, "v1") : new Uri(root, $"s/{Uri.EscapeDataString(spec)}/v1");
        DeploymentSettings.Add(settings, index, "deploy-" + model, model, "openai", baseUrl.ToString(), "up-" + model, "chat.completions");
    }

    /// <summary>Calls the mock got for an upstream model (the adapter writes it into each call's body).</summary>
    private static int Calls(RouterMesh mesh, string upstreamModel) =>
        mesh.Mock.Recorder.Snapshot().Count(r => r.Body.Contains($"\"model\":\"{upstreamModel}\"", StringComparison.Ordinal));

    private static RouteCompletion Chat(string model = "gpt-4o-mini", DateTimeOffset? deadline = null) =>
        RouterHost.Chat($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hello"}]}""", stream: false, deadline, model);

    private static RouteCompletion Stream() =>
        RouterHost.Chat("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hello"}]}""", stream: true);

    private static async Task<RouterReport> SingleReportAsync(RouterHost router, Guid requestId)
    {
        var reports = router.Services.GetRequiredService<RouteReports>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (reports.Pending > 0)
        {
            await Task.Delay(10, deadline.Token);
        }

        return Assert.Single(router.Harness.Sent.Select<RecordRouterReports>().SelectMany(m => m.Context.Message.Reports), r => r.RequestId == requestId);
    }
}
