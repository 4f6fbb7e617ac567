using System.ClientModel;
using System.Text.Json;
using AiMesh.EndToEnd.Tests.Infrastructure;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Limits;

/// <summary>
/// Rate limits as a client meets them, through the official OpenAI SDK on the embedded mesh: requests per minute per
/// key, concurrent requests per model, tokens per minute charged with <c>max_tokens</c> and corrected after the call,
/// the OpenAI-style headers, and 429s with Retry-After that are never metered. Windows are whole minutes, so each
/// test starts early enough in a minute that its window cannot roll over under it.
/// </summary>
public sealed class RateLimitTests(RateLimitedMesh mesh) : IClassFixture<RateLimitedMesh>
{
    [Fact]
    public async Task A_key_gets_its_requests_per_minute_then_429s_with_retry_after_and_the_headers_count_down()
    {
        await EarlyInAMinuteAsync();
        var chat = mesh.Client(TestEnvironment.LimitedClientKey).GetChatClient("gpt-4o-mini");
        var remaining = new List<string>();
        for (var i = 0; i < RateLimitedMesh.LimitedKeyPerMinute; i++)
        {
            var answer = await chat.CompleteChatAsync([new UserChatMessage("echo: within the limit")]);
            var headers = answer.GetRawResponse().Headers;
            Assert.Equal($"{RateLimitedMesh.LimitedKeyPerMinute}", Header(headers, "x-ratelimit-limit-requests"));
            Assert.EndsWith("s", Header(headers, "x-ratelimit-reset-requests"));
            remaining.Add(Header(headers, "x-ratelimit-remaining-requests"));
        }

        Assert.Equal(["2", "1", "0"], remaining);

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("echo: over the limit")]));

        Assert.Equal(429, refused.Status);
        var response = refused.GetRawResponse()!;
        var retryAfter = int.Parse(Header(response.Headers, "Retry-After"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("0", Header(response.Headers, "x-ratelimit-remaining-requests"));
        using var body = JsonDocument.Parse(response.Content.ToString());
        Assert.Equal("rate_limit_exceeded", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("rate_limit_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());

        // A refused request is not admitted, so it is not metered: a request that ended after it is, and the limited
        // key still has its three rows (usage records leave in the order requests end).
        var marker = await mesh.Client().GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage("echo: marker")]);
        var rows = await UsageEventuallyAsync(r => r.Any(u => u.RequestId == RequestIdOf(marker.GetRawResponse().Headers)));
        Assert.Equal(RateLimitedMesh.LimitedKeyPerMinute, rows.Count(u => u.PrincipalId == "limited-app"));
    }

    [Fact]
    public async Task A_model_serves_its_concurrency_limit_at_once_and_a_slot_comes_back_when_a_request_ends()
    {
        var chat = mesh.Client().GetChatClient("lagging-model");
        var calls = Enumerable.Range(0, 4).Select(_ => Outcome(chat.CompleteChatAsync([new UserChatMessage("echo: lagging")]))).ToArray();

        var statuses = await Task.WhenAll(calls);

        Assert.Equal(RateLimitedMesh.LaggingConcurrency, statuses.Count(s => s == 200));
        Assert.Equal(4 - RateLimitedMesh.LaggingConcurrency, statuses.Count(s => s == 429));

        // The two that finished gave their slots back (SettleRequest): two more run at once again.
        var again = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Outcome(chat.CompleteChatAsync([new UserChatMessage("echo: lagging again")]))));
        Assert.Equal([200, 200], again);
    }

    [Fact]
    public async Task Tokens_per_minute_are_charged_with_max_tokens_before_the_call_and_corrected_to_the_tokens_used_after()
    {
        await EarlyInAMinuteAsync();
        var chat = mesh.Client().GetChatClient("gpt-4o-mini");
        var big = new ChatCompletionOptions { MaxOutputTokenCount = 900 };

        var first = await chat.CompleteChatAsync([new UserChatMessage("echo: tokens")], big);

        var headers = first.GetRawResponse().Headers;
        Assert.Equal($"{RateLimitedMesh.TestKeyTokensPerMinute}", Header(headers, "x-ratelimit-limit-tokens"));
        var left = long.Parse(Header(headers, "x-ratelimit-remaining-tokens"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(left, 0, 100);
        var used = first.Value.Usage.TotalTokenCount;
        Assert.InRange(used, 1, 100);

        // Charged 900 and more, used far less: once settled, another 900-token request fits in the same minute.
        var minute = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;
        int status;
        var attempts = 0;
        do
        {
            status = await Outcome(chat.CompleteChatAsync([new UserChatMessage("echo: tokens again")], big));
            attempts++;
        }
        while (status == 429 && attempts < 50 && await Pause());

        Assert.Equal(200, status);
        Assert.Equal(minute, DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60);
    }

    [Fact]
    public async Task A_stream_carries_the_rate_limit_headers_too()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(mesh.Ingress, "v1/chat/completions"))
        {
            Content = new StringContent("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"echo: streamed"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", TestEnvironment.ClientKey);

        using var response = await mesh.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.EndsWith("data: [DONE]", text.TrimEnd());
        Assert.Equal($"{RateLimitedMesh.TestKeyTokensPerMinute}", Assert.Single(response.Headers.GetValues("x-ratelimit-limit-tokens")));
        Assert.False(response.Headers.Contains("x-ratelimit-limit-requests"));
    }

    private static async Task<int> Outcome<T>(Task<ClientResult<T>> call)
    {
        try
        {
            return (await call).GetRawResponse().Status;
        }
        catch (ClientResultException refused)
        {
            return refused.Status;
        }
    }

    private async Task<IReadOnlyList<UsageRow>> UsageEventuallyAsync(Func<IReadOnlyList<UsageRow>, bool> until)
    {
        for (var i = 0; i < 200; i++)
        {
            var rows = await mesh.UsageAsync();
            if (until(rows))
            {
                return rows;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException("The usage rows never arrived.");
    }

    private static Guid RequestIdOf(System.ClientModel.Primitives.PipelineResponseHeaders headers) => Guid.Parse(Header(headers, "x-request-id"));

    private static async Task<bool> Pause()
    {
        await Task.Delay(100);
        return true;
    }

    private static string Header(System.ClientModel.Primitives.PipelineResponseHeaders headers, string name) =>
        headers.TryGetValue(name, out var value) ? value! : throw new Xunit.Sdk.XunitException($"No {name} header.");

    /// <summary>Waits for the next minute when less than 20 s of this one are left, so a test's window cannot reset under it.</summary>
    private static async Task EarlyInAMinuteAsync()
    {
        var second = DateTimeOffset.UtcNow.Second;
        if (second >= 40)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - second));
        }
    }
}
