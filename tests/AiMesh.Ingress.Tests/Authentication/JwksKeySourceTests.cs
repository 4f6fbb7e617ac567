using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using AiMesh.Hosting.Jwt;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;

namespace AiMesh.Ingress.Tests.Authentication;

/// <summary>The JWKS cache: how often it asks the identity provider, and what it serves meanwhile.</summary>
public sealed class JwksKeySourceTests
{
    private static readonly Uri Url = new("https://idp.example/jwks");

    private readonly ManualTime time = new();
    private readonly JwtOptions options = new()
    {
        JwksRefreshInterval = TimeSpan.FromMinutes(10),
        JwksMinRefreshInterval = TimeSpan.FromSeconds(30),
        JwksTimeout = TimeSpan.FromSeconds(2),
    };

    [Fact]
    public async Task Unknown_kids_fetch_at_most_once_per_interval()
    {
        var idp = new FakeIdp(Jwks("k1"));
        var source = Source(idp);
        Assert.Equal(["k1"], (await source.GetAsync("k1", default))!.Select(k => k.KeyId));

        for (var i = 0; i < 5; i++)
        {
            Assert.DoesNotContain((await source.GetAsync("made-up-" + i, default))!, k => k.KeyId == "made-up-" + i);
        }

        Assert.Equal(1, idp.Requests);

        time.Advance(TimeSpan.FromSeconds(31));
        idp.Body = Jwks("k1", "k2");
        Assert.Contains((await source.GetAsync("k2", default))!, k => k.KeyId == "k2");
        Assert.Equal(2, idp.Requests);
    }

    [Fact]
    public async Task Stale_keys_are_served_at_once_while_one_refresh_runs_behind()
    {
        var idp = new FakeIdp(Jwks("k1"));
        var source = Source(idp);
        await source.GetAsync("k1", default);
        time.Advance(TimeSpan.FromMinutes(11));
        idp.Hold = new TaskCompletionSource();

        var keys = await source.GetAsync("k1", default);

        Assert.Equal(["k1"], keys!.Select(k => k.KeyId));
        Assert.False(idp.Hold.Task.IsCompleted);
        idp.Hold.SetResult();
        await WaitUntilAsync(() => idp.Requests == 2);
    }

    [Fact]
    public async Task A_failed_fetch_keeps_the_keys_cached_and_nothing_cached_answers_null()
    {
        var idp = new FakeIdp(Jwks("k1"));
        var source = Source(idp);
        await source.GetAsync("k1", default);
        idp.Status = HttpStatusCode.ServiceUnavailable;
        time.Advance(TimeSpan.FromMinutes(11));

        var unknown = await source.GetAsync("k9", default);

        Assert.Equal(["k1"], unknown!.Select(k => k.KeyId));
        Assert.Null(await Source(new FakeIdp(Jwks()) { Status = HttpStatusCode.BadGateway }).GetAsync("k1", default));
    }

    [Fact]
    public async Task Symmetric_and_private_keys_in_a_jwks_are_dropped()
    {
        var rsa = RSA.Create(2048);
        var withPrivate = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(true)) { KeyId = "private" });
        var symmetric = JsonWebKeyConverter.ConvertFromSymmetricSecurityKey(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "oct" });
        var body = JsonSerializer.Serialize(new { keys = new object[] { Jwk("k1"), Serialize(withPrivate), Serialize(symmetric) } });

        var keys = await Source(new FakeIdp(body)).GetAsync("k1", default);

        Assert.Equal(["k1"], keys!.Select(k => k.KeyId));
    }

    private JwksKeySource Source(FakeIdp idp) =>
        new(Url, () => new JwksClient(new HttpClient(idp)), options, time, NullLogger.Instance);

    private static string Jwks(params string[] kids) => JsonSerializer.Serialize(new { keys = kids.Select(Jwk).ToArray() });

    private static JsonElement Jwk(string kid)
    {
        using var rsa = RSA.Create(2048);
        return Serialize(JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = kid }));
    }

    private static readonly JsonSerializerOptions JwkJson = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private static JsonElement Serialize(JsonWebKey key) => JsonSerializer.SerializeToElement(key, JwkJson);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    private sealed class FakeIdp(string body) : HttpMessageHandler
    {
        private int requests;

        public string Body { get; set; } = body;

        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        public TaskCompletionSource? Hold { get; set; }

        public int Requests => Volatile.Read(ref requests);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Hold is { } hold)
            {
                await hold.Task.WaitAsync(cancellationToken);
            }

            Interlocked.Increment(ref requests);
            return new HttpResponseMessage(Status) { Content = new StringContent(Body) };
        }
    }
}
