using AiMesh.Hosting.Limits;
using System.Diagnostics.Metrics;

namespace AiMesh.Policy.Limits;

/// <summary>
/// The limiter's counters: rejections by what was exceeded and the rule's scope, and every decision that could not use
/// the shared store, by the choice taken. Labels are from small fixed sets: never a key, principal or address.
/// </summary>
internal sealed class LimitMetrics
{
    private readonly Meter meter;

    /// <summary>The meter, for a listener that must tell this instance's measurements from another's.</summary>
    public Meter Meter => meter;
    private readonly Counter<long> rejections;
    private readonly Counter<long> fallbacks;

    public LimitMetrics(IMeterFactory meters)
    {
        meter = meters.Create(AiMesh.Policy.Authorization.PolicyMetrics.MeterName);
        rejections = meter.CreateCounter<long>("aimesh.policy.ratelimit.rejections", "{request}", "Requests refused by a rate limit");
        fallbacks = meter.CreateCounter<long>("aimesh.policy.ratelimit.store_fallbacks", "{decision}", "Rate-limit decisions taken without the shared store, by the rule's choice");
    }

    public void Rejected(LimitKind kind, LimitScope scope) =>
        rejections.Add(1, new KeyValuePair<string, object?>("kind", Name(kind)), new KeyValuePair<string, object?>("scope", Name(scope)));

    public void FellBack(StoreDownChoice choice) =>
        fallbacks.Add(1, new KeyValuePair<string, object?>("choice", choice switch
        {
            StoreDownChoice.Local => "local",
            StoreDownChoice.Open => "open",
            _ => "closed",
        }));

    private static string Name(LimitKind kind) => kind switch
    {
        LimitKind.Requests => "requests",
        LimitKind.Tokens => "tokens",
        _ => "concurrent",
    };

    private static string Name(LimitScope scope) => scope switch
    {
        LimitScope.Key => "key",
        LimitScope.User => "user",
        LimitScope.Team => "team",
        LimitScope.Org => "org",
        LimitScope.Model => "model",
        LimitScope.ClientAddress => "client_address",
        _ => "global",
    };
}
