using AiMesh.Contracts.Routing;
using AiMesh.Hosting.Limits;
using AiMesh.Router.Errors;
using AiMesh.Router.Telemetry;

namespace AiMesh.Router.Deployments;

/// <summary>
/// What one call holds of its deployment's capacity: its concurrency slot and the token windows it was charged in,
/// given back or corrected by <see cref="SettleAsync"/> when the call ends, in the store that counted them. Or the
/// refusal to answer instead of calling (<see cref="Refusal"/>).
/// </summary>
internal sealed class DeploymentCharge
{
    public static readonly DeploymentCharge None = new(null, null, [], [], 0, Guid.Empty, null);

    private readonly ILimitStore? store;
    private readonly string[] slots;
    private readonly string[] tokenWindows;
    private readonly long chargedTokens;
    private readonly Guid requestId;
    private readonly ILogger? logger;

    private DeploymentCharge(FailureDescription? refusal, ILimitStore? store, string[] slots, string[] tokenWindows, long chargedTokens, Guid requestId, ILogger? logger)
    {
        Refusal = refusal;
        this.store = store;
        this.slots = slots;
        this.tokenWindows = tokenWindows;
        this.chargedTokens = chargedTokens;
        this.requestId = requestId;
        this.logger = logger;
    }

    /// <summary>Set when the deployment has no room for the call: answered with it, nothing sent upstream.</summary>
    public FailureDescription? Refusal { get; }

    /// <summary>
    /// The refusal is for capacity in use that will come back (a slot, a window's count): the call would fit later, so it
    /// may wait for it (<see cref="Admission.AdmissionQueues"/>). Not set for a call larger than the limit itself, or a
    /// limiter that cannot count.
    /// </summary>
    public bool IsFull { get; private init; }

    public static DeploymentCharge Refused(FailureDescription refusal) => new(refusal, null, [], [], 0, Guid.Empty, null);

    public static DeploymentCharge Full(FailureDescription refusal) => new(refusal, null, [], [], 0, Guid.Empty, null) { IsFull = true };

    public static DeploymentCharge Held(ILimitStore store, string[] slots, string[] tokenWindows, long chargedTokens, Guid requestId, ILogger logger) =>
        slots.Length == 0 && tokenWindows.Length == 0 ? None : new(null, store, slots, tokenWindows, chargedTokens, requestId, logger);

    /// <summary>
    /// Gives the slot back and corrects the token windows by what the provider reported (none reported: the charge
    /// stands). A store that fails is logged: the slot frees itself when its hold expires.
    /// </summary>
    public async Task SettleAsync(TokenUsage? usage)
    {
        if (store is null)
        {
            return;
        }

        var delta = usage is null ? 0 : usage.PromptTokens + usage.CompletionTokens - chargedTokens;
        try
        {
            await store.SettleAsync(slots, tokenWindows, delta, requestId, CancellationToken.None);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            logger?.DeploymentLimitSettleFailed(requestId, ex.GetType().Name);
        }
    }
}
