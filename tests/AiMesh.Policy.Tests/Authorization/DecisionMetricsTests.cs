using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AiMesh.Contracts.Policy;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Policy.Tests.Authorization;

/// <summary>
/// <c>aimesh.policy.decisions</c> counts every decision once, by outcome and reason class, and its labels say nothing
/// about which key, model or address asked.
/// </summary>
public sealed class DecisionMetricsTests
{
    private const string Secret = "sk-metrics-4d1f0a6c2e";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Policy:Keys:0:Id"] = "metrics-key",
        ["Policy:Keys:0:Principal"] = "metrics-app",
        ["Policy:Keys:0:Sha256"] = KeyRing.HashOf(Secret),
        ["Policy:Keys:0:Models:0"] = "model-a",
        ["Policy:FailedAttempts:Limit"] = "2",
    };

    [Fact]
    public async Task Each_decision_is_counted_once_by_outcome_and_reason_class()
    {
        await using var policy = await PolicyHost.StartAsync(Settings);
        var decisions = new ConcurrentQueue<IReadOnlyDictionary<string, string?>>();
        var factory = policy.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "aimesh.policy.decisions" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            for (var i = 0; i < value; i++)
            {
                decisions.Enqueue(tags.ToArray().ToDictionary(t => t.Key, t => t.Value as string));
            }
        });
        listener.Start();

        Assert.NotNull((await policy.AuthorizeAsync(Ask(Secret, "model-a", "198.51.100.1"))).Authorized);
        Assert.Equal(404, (await policy.AuthorizeAsync(Ask(Secret, "model-b", "198.51.100.1"))).Denied!.Status);
        Assert.Equal(401, (await policy.AuthorizeAsync(Ask("sk-wrong-1", "model-a", "198.51.100.2"))).Denied!.Status);
        Assert.Equal(401, (await policy.AuthorizeAsync(Ask("sk-wrong-2", "model-a", "198.51.100.2"))).Denied!.Status);
        Assert.Equal(429, (await policy.AuthorizeAsync(Ask(Secret, "model-a", "198.51.100.2"))).Denied!.Status);

        var counted = decisions.Select(d => $"{d["outcome"]}/{d["reason"]}").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            ["admitted/none", "denied/address_held", "denied/invalid_credential", "denied/invalid_credential", "denied/model_not_allowed"],
            counted);
        Assert.All(decisions, d => Assert.Equal(["outcome", "reason"], d.Keys.Order(StringComparer.Ordinal)));
    }

    private static AuthorizeRequest Ask(string secret, string model, string address) =>
        new(Guid.NewGuid(), KeyRing.HashOf(secret), "chat.completions", model, address);
}
