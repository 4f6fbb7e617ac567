using AiMesh.Contracts.Policy;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Policy.Tests.Authorization;

/// <summary>Repeated rejections from one address hold that address for the rest of the window, and only that address.</summary>
public sealed class FailedAttemptTests
{
    private const string Secret = "sk-valid-5e0c1b9d27";
    private const string Guesser = "203.0.113.7";
    private const string Neighbour = "203.0.113.8";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Policy:Keys:0:Id"] = "valid",
        ["Policy:Keys:0:Principal"] = "app",
        ["Policy:Keys:0:Sha256"] = KeyRing.HashOf(Secret),
        ["Policy:Keys:0:Models:0"] = "*",
        ["Policy:FailedAttempts:Limit"] = "3",
        ["Policy:FailedAttempts:Window"] = "00:01:00",
    };

    [Fact]
    public async Task After_the_limit_every_attempt_from_the_address_is_refused_429_valid_keys_too_until_the_window_ends()
    {
        var time = new SettableTime(DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var policy = await PolicyHost.StartAsync(Settings, s => s.AddSingleton<TimeProvider>(time));

        for (var i = 0; i < 3; i++)
        {
            var (_, rejected) = await policy.AuthorizeAsync(Ask($"sk-guess-{i}", Guesser));
            Assert.Equal(401, rejected!.Status);
        }

        time.Advance(TimeSpan.FromSeconds(20));
        var (_, held) = await policy.AuthorizeAsync(Ask(Secret, Guesser));
        Assert.Equal((429, "too_many_failed_attempts", 40), (held!.Status, held.Code, held.RetryAfterSeconds));
        var (_, heldAgain) = await policy.AuthorizeAsync(Ask("sk-guess-9", Guesser));
        Assert.Equal(held with { RequestId = heldAgain!.RequestId }, heldAgain);

        var (neighbour, _) = await policy.AuthorizeAsync(Ask(Secret, Neighbour));
        Assert.NotNull(neighbour);

        time.Advance(TimeSpan.FromSeconds(41));
        var (again, _) = await policy.AuthorizeAsync(Ask(Secret, Guesser));
        Assert.NotNull(again);
        Assert.Contains(policy.Logs.Lines, l => l.EventId == 2004);
    }

    [Fact]
    public async Task With_the_limit_at_zero_nothing_is_held()
    {
        await using var policy = await PolicyHost.StartAsync(new(Settings) { ["Policy:FailedAttempts:Limit"] = "0" });

        for (var i = 0; i < 10; i++)
        {
            await policy.AuthorizeAsync(Ask($"sk-guess-{i}", Guesser));
        }

        var (admitted, denied) = await policy.AuthorizeAsync(Ask(Secret, Guesser));
        Assert.Null(denied);
        Assert.NotNull(admitted);
    }

    private static AuthorizeRequest Ask(string secret, string address) =>
        new(Guid.NewGuid(), KeyRing.HashOf(secret), "chat.completions", "gpt-4o-mini", address);
}
