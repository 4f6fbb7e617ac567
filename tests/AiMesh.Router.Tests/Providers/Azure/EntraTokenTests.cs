using System.Net;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.Azure;
using AiMesh.Router.Tests.Providers.Gemini;
using AiMesh.Router.Tests.Support;
using Microsoft.Extensions.Logging;

namespace AiMesh.Router.Tests.Providers.Azure;

/// <summary>
/// The Azure adapter's credentials step with <c>AzureAuth: entra</c>: Entra ID's client-credentials exchange through the
/// shared <see cref="AccessTokenCache"/>, against a scripted token endpoint and a clock the test moves.
/// </summary>
public sealed class EntraTokenTests : IDisposable
{
    private const string Secret = "s3cr~et.Entra_value-0123456789";
    private const string ClientId = "5f0c6a1e-3b7d-4c2a-9e8f-1a2b3c4d5e6f";
    private static readonly Uri TokenUrl = new("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");

    private readonly FixedTime time = new(DateTimeOffset.FromUnixTimeSeconds(1_750_000_000));
    private readonly ScriptedTokenEndpoint endpoint = new();
    private readonly CapturedLogs logs = new();
    private readonly ILoggerFactory loggerFactory;
    private readonly AzureAdapter adapter;
    private readonly ProviderCall call;

    public EntraTokenTests()
    {
        loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        adapter = new AzureAdapter(new AccessTokenCache(endpoint, time, loggerFactory.CreateLogger<AccessTokenCache>()));
        var deployment = AzureCalls.Deployment() with
        {
            ApiKey = null,
            Entra = new EntraClientCredentials("contoso.onmicrosoft.com", ClientId, new ApiKey(Secret), TokenUrl),
        };
        call = AzureCalls.Call("""{"model":"gpt-public","messages":[{"role":"user","content":"hi"}]}""", deployment: deployment);
    }

    [Fact]
    public async Task Posts_the_client_credentials_form_to_the_token_endpoint_and_sends_only_the_token_to_azure()
    {
        endpoint.Answer(HttpStatusCode.OK, """{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ0eXAi.entra-1.sig"}""");
        using var request = adapter.BuildRequest(call);
        Assert.Null(request.Headers.Authorization);

        Assert.Null(await adapter.AuthorizeAsync(call, request, CancellationToken.None));

        var (url, form) = Assert.Single(endpoint.Requests);
        Assert.Equal(TokenUrl, url);
        Assert.Equal(
            "grant_type=client_credentials&client_id=5f0c6a1e-3b7d-4c2a-9e8f-1a2b3c4d5e6f"
            + "&client_secret=s3cr~et.Entra_value-0123456789&scope=https%3A%2F%2Fcognitiveservices.azure.com%2F.default",
            form);
        Assert.Equal(("Bearer", "eyJ0eXAi.entra-1.sig"), (request.Headers.Authorization!.Scheme, request.Headers.Authorization.Parameter));
        Assert.False(request.Headers.Contains("api-key"));
        Assert.DoesNotContain(Secret, request.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_calls_make_one_exchange_until_the_token_nears_expiry_then_one_more()
    {
        endpoint.AnswerToken("entra.first", expiresIn: 3599);
        endpoint.AnswerToken("entra.second", expiresIn: 3599);

        var first = await BearersAsync(10);
        time.Advance(TimeSpan.FromSeconds(3599 - 300 - 1));
        var cached = await BearersAsync(1);
        time.Advance(TimeSpan.FromSeconds(2));
        var refreshed = await BearersAsync(3);

        Assert.All(first.Concat(cached), b => Assert.Equal("entra.first", b));
        Assert.All(refreshed, b => Assert.Equal("entra.second", b));
        Assert.Equal(2, endpoint.Requests.Count);
    }

    [Fact]
    public async Task An_expires_in_sent_as_a_string_sets_the_refresh_time_too()
    {
        // Entra's v1 endpoint, and some proxies in front of v2, send the lifetime as a string.
        endpoint.Answer(HttpStatusCode.OK, """{"token_type":"Bearer","expires_in":"600","access_token":"entra.short"}""");
        endpoint.AnswerToken("entra.next");

        var first = await BearersAsync(1);
        time.Advance(TimeSpan.FromSeconds(299));
        var cached = await BearersAsync(1);
        time.Advance(TimeSpan.FromSeconds(2));
        var refreshed = await BearersAsync(1);

        Assert.Equal(("entra.short", "entra.short", "entra.next"), (first[0], cached[0], refreshed[0]));
    }

    [Fact]
    public async Task Concurrent_calls_wait_for_one_exchange()
    {
        endpoint.AnswerToken("entra.shared");
        endpoint.Hold();

        var waiting = Enumerable.Range(0, 8).Select(_ => BearersAsync(1)).ToArray();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (endpoint.Requests.IsEmpty)
        {
            await Task.Delay(10, timeout.Token);
        }

        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        endpoint.Release();

        Assert.All(await Task.WhenAll(waiting), b => Assert.Equal(["entra.shared"], b));
        Assert.Single(endpoint.Requests);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, """{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided: s3cr~et.Entra_value-0123456789","error_codes":[7000215]}""")]
    [InlineData(HttpStatusCode.BadRequest, """{"error":"invalid_scope","error_description":"AADSTS1002012: The provided value for scope is not valid."}""")]
    [InlineData(HttpStatusCode.OK, """{"token_type":"Bearer","expires_in":3599}""")]
    public async Task A_refused_exchange_is_an_auth_failure_without_text_and_no_log_line_holds_the_secret_or_what_entra_said(HttpStatusCode status, string body)
    {
        endpoint.Answer(status, body);
        using var request = adapter.BuildRequest(call);

        var error = await adapter.AuthorizeAsync(call, request, CancellationToken.None);

        Assert.Equal((UpstreamErrorKind.AuthenticationFailed, null, null), (error!.Kind, error.Message, error.Code));
        Assert.Null(request.Headers.Authorization);
        Assert.Contains(logs.Lines, l => l.Contains("[3030]", StringComparison.Ordinal) && l.Contains($"status {(int)status}", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(Secret, StringComparison.Ordinal) || l.Contains("AADSTS", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_api_key_deployment_makes_no_exchange()
    {
        var keyed = AzureCalls.Call("""{"messages":[{"role":"user","content":"hi"}]}""");
        using var request = adapter.BuildRequest(keyed);

        Assert.Null(await adapter.AuthorizeAsync(keyed, request, CancellationToken.None));

        Assert.Equal(AzureCalls.Key, request.Headers.GetValues("api-key").Single());
        Assert.Null(request.Headers.Authorization);
        Assert.Empty(endpoint.Requests);
    }

    public void Dispose()
    {
        endpoint.Dispose();
        loggerFactory.Dispose();
    }

    /// <summary>Authorizes <paramref name="count"/> calls one after another and returns the bearer tokens they got.</summary>
    private async Task<string[]> BearersAsync(int count)
    {
        var bearers = new string[count];
        for (var i = 0; i < count; i++)
        {
            using var request = adapter.BuildRequest(call);
            Assert.Null(await adapter.AuthorizeAsync(call, request, CancellationToken.None));
            bearers[i] = request.Headers.Authorization!.Parameter!;
        }

        return bearers;
    }
}
