using AiMesh.Contracts.Policy;
using AiMesh.Ingress.Relay;

namespace AiMesh.Ingress.Tests.Relay;

/// <summary>
/// The rate-limit standing the exchange writes as headers: known at once when policy answered first, awaited briefly
/// when the router's answer overtook policy's, and given up on (no headers, no hang) when policy never answers.
/// </summary>
public sealed class RelayLimitsTests
{
    private static readonly RateLimitState Standing = new(60, 59, 1000, null, null, null);

    [Fact]
    public async Task Decided_before_the_answer_the_standing_is_there_at_once()
    {
        var relay = new ResponseRelay(Guid.NewGuid());
        relay.Decided(Standing);

        var limits = relay.LimitsAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.True(limits.IsCompletedSuccessfully);
        Assert.Equal(Standing, await limits);
    }

    [Fact]
    public async Task Decided_while_the_overtaking_answer_waits_the_standing_is_used()
    {
        var relay = new ResponseRelay(Guid.NewGuid());
        var limits = relay.LimitsAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.False(limits.IsCompleted);

        relay.Decided(Standing);

        Assert.Equal(Standing, await limits);
    }

    [Fact]
    public async Task Never_decided_the_answer_goes_without_headers_after_its_patience()
    {
        var relay = new ResponseRelay(Guid.NewGuid());

        Assert.Null(await relay.LimitsAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None));
    }
}
