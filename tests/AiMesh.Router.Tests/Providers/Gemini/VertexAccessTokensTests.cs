using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.Gemini;
using AiMesh.Router.Tests.Support;
using Microsoft.Extensions.Logging;

namespace AiMesh.Router.Tests.Providers.Gemini;

public sealed class VertexAccessTokensTests : IDisposable
{
    private static readonly Uri TokenUrl = new("https://oauth.test/token");

    private readonly RSA key = RSA.Create(2048);
    private readonly FixedTime time = new(DateTimeOffset.FromUnixTimeSeconds(1_750_000_000));
    private readonly ScriptedTokenEndpoint endpoint = new();
    private readonly CapturedLogs logs = new();
    private readonly ILoggerFactory loggerFactory;
    private readonly AccessTokenCache tokens;
    private readonly Deployment deployment;

    public VertexAccessTokensTests()
    {
        loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        tokens = new AccessTokenCache(endpoint, time, loggerFactory.CreateLogger<AccessTokenCache>());
        Assert.True(GoogleServiceAccount.TryLoad(TestKeys.ServiceAccountJson(key, TokenUrl.ToString()), out var account, out _));
        deployment = GeminiCalls.Vertex() with { ServiceAccount = account, TokenUrl = TokenUrl };
    }

    [Fact]
    public async Task Posts_an_assertion_signed_by_the_account_for_the_configured_endpoint_only()
    {
        endpoint.AnswerToken("ya29.first");

        var token = await GetAsync(deployment, CancellationToken.None);

        Assert.Equal("ya29.first", token!.Reveal());
        var (url, form) = Assert.Single(endpoint.Requests);
        Assert.Equal(TokenUrl, url);
        var fields = HttpUtility.ParseQueryString(form);
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", fields["grant_type"]);
        var parts = fields["assertion"]!.Split('.');
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement;
        Assert.Equal(("RS256", "kid-1"), (header.GetProperty("alg").GetString(), header.GetProperty("kid").GetString()));
        var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement;
        Assert.Equal((TestKeys.ClientEmail, TokenUrl.ToString(), GoogleAssertionGrant.Scope), (claims.GetProperty("iss").GetString(), claims.GetProperty("aud").GetString(), claims.GetProperty("scope").GetString()));
        Assert.Equal((1_750_000_000L, 1_750_003_600L), (claims.GetProperty("iat").GetInt64(), claims.GetProperty("exp").GetInt64()));
    }

    [Fact]
    public async Task Concurrent_callers_share_one_exchange()
    {
        endpoint.AnswerToken("ya29.shared");
        endpoint.Hold();

        var waiting = Enumerable.Range(0, 8).Select(_ => GetAsync(deployment, CancellationToken.None).AsTask()).ToArray();
        await WaitUntilAsync(() => !endpoint.Requests.IsEmpty);
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        endpoint.Release();
        var results = await Task.WhenAll(waiting);

        Assert.All(results, t => Assert.Equal("ya29.shared", t!.Reveal()));
        Assert.Single(endpoint.Requests);
    }

    [Fact]
    public async Task Caches_the_token_until_shortly_before_it_expires()
    {
        endpoint.AnswerToken("ya29.one", expiresIn: 3600);
        endpoint.AnswerToken("ya29.two", expiresIn: 3600);

        var first = await GetAsync(deployment, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(54));
        var cached = await GetAsync(deployment, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(2));
        var refreshed = await GetAsync(deployment, CancellationToken.None);

        Assert.Equal(("ya29.one", "ya29.one", "ya29.two"), (first!.Reveal(), cached!.Reveal(), refreshed!.Reveal()));
        Assert.Equal(2, endpoint.Requests.Count);
    }

    [Fact]
    public async Task A_short_lived_token_is_refreshed_at_half_its_life()
    {
        endpoint.AnswerToken("ya29.short", expiresIn: 60);
        endpoint.AnswerToken("ya29.next", expiresIn: 60);

        await GetAsync(deployment, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("ya29.short", (await GetAsync(deployment, CancellationToken.None))!.Reveal());
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("ya29.next", (await GetAsync(deployment, CancellationToken.None))!.Reveal());
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, """{"error":"invalid_grant","error_description":"Invalid JWT Signature for unit@tests"}""")]
    [InlineData(HttpStatusCode.Found, "")]
    [InlineData(HttpStatusCode.OK, """{"token_type":"Bearer"}""")]
    [InlineData(HttpStatusCode.OK, """{"access_token":"ya29.bad\r\nX-Injected: 1","expires_in":3600}""")]
    [InlineData(HttpStatusCode.OK, "not json")]
    public async Task A_failed_exchange_gives_no_token_logs_no_text_and_is_tried_again_next_time(HttpStatusCode status, string body)
    {
        endpoint.Answer(status, body);
        endpoint.AnswerToken("ya29.recovered");

        Assert.Null(await GetAsync(deployment, CancellationToken.None));
        Assert.Equal("ya29.recovered", (await GetAsync(deployment, CancellationToken.None))!.Reveal());

        Assert.Equal(2, endpoint.Requests.Count);
        Assert.Contains(logs.Lines, l => l.Contains("[3030]", StringComparison.Ordinal) || l.Contains("[3031]", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("Invalid JWT", StringComparison.Ordinal) || l.Contains("ya29.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_refresh_falls_back_on_the_token_while_it_is_still_valid()
    {
        endpoint.AnswerToken("ya29.old", expiresIn: 3600);
        await GetAsync(deployment, CancellationToken.None);
        endpoint.Answer(HttpStatusCode.ServiceUnavailable, "{}");
        endpoint.Answer(HttpStatusCode.ServiceUnavailable, "{}");

        time.Advance(TimeSpan.FromMinutes(56));
        Assert.Equal("ya29.old", (await GetAsync(deployment, CancellationToken.None))!.Reveal());
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(await GetAsync(deployment, CancellationToken.None));
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_cancel_the_exchange_for_the_others()
    {
        endpoint.AnswerToken("ya29.patient");
        endpoint.Hold();
        using var impatient = new CancellationTokenSource();

        var leaving = GetAsync(deployment, impatient.Token).AsTask();
        var staying = GetAsync(deployment, CancellationToken.None).AsTask();
        await WaitUntilAsync(() => !endpoint.Requests.IsEmpty);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        endpoint.Release();

        Assert.Equal("ya29.patient", (await staying)!.Reveal());
        Assert.Single(endpoint.Requests);
    }

    [Fact]
    public async Task Each_service_account_has_its_own_token()
    {
        using var otherKey = RSA.Create(2048);
        Assert.True(GoogleServiceAccount.TryLoad(TestKeys.ServiceAccountJson(otherKey, TokenUrl.ToString()).Replace("kid-1", "kid-2", StringComparison.Ordinal), out var other, out _));
        endpoint.AnswerToken("ya29.a");
        endpoint.AnswerToken("ya29.b");

        var a = await GetAsync(deployment, CancellationToken.None);
        var b = await GetAsync(deployment with { ServiceAccount = other }, CancellationToken.None);
        var again = await GetAsync(deployment with { Name = "same-account-elsewhere" }, CancellationToken.None);

        Assert.Equal(("ya29.a", "ya29.b", "ya29.a"), (a!.Reveal(), b!.Reveal(), again!.Reveal()));
    }

    [Fact]
    public async Task The_adapter_puts_the_token_in_the_bearer_header_or_fails_as_an_auth_error()
    {
        var adapter = new VertexAdapter(time, tokens);
        var call = GeminiCalls.Chat("""{"messages":[{"role":"user","content":"hi"}]}""", deployment: deployment);
        using var request = adapter.BuildRequest(call);
        Assert.Null(request.Headers.Authorization);

        endpoint.AnswerToken("ya29.header");
        Assert.Null(await adapter.AuthorizeAsync(call, request, CancellationToken.None));
        Assert.Equal(("Bearer", "ya29.header"), (request.Headers.Authorization!.Scheme, request.Headers.Authorization.Parameter));

        using var refused = adapter.BuildRequest(call);
        time.Advance(TimeSpan.FromHours(2));
        endpoint.Answer(HttpStatusCode.Unauthorized, """{"error":"invalid_client"}""");
        var error = await adapter.AuthorizeAsync(call, refused, CancellationToken.None);
        Assert.Equal((UpstreamErrorKind.AuthenticationFailed, null), (error!.Kind, error.Message));
        Assert.Null(refused.Headers.Authorization);
    }

    public void Dispose()
    {
        key.Dispose();
        endpoint.Dispose();
        loggerFactory.Dispose();
    }

    /// <summary>What <see cref="VertexAdapter"/> asks the cache for a deployment.</summary>
    private ValueTask<AccessToken?> GetAsync(Deployment vertex, CancellationToken cancellationToken) =>
        tokens.GetAsync(vertex.Name, GoogleAssertionGrant.For(vertex)!, cancellationToken);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
