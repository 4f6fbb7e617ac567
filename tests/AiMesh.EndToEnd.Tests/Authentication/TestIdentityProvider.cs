using AiMesh.EndToEnd.Tests.Infrastructure;
using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AiMesh.EndToEnd.Tests.Authentication;

/// <summary>
/// An identity provider the tests run on a real socket: a JWKS endpoint whose keys, availability and speed the
/// test sets, and the private keys to mint tokens with. Every key is made at run time.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SecurityKey> published = new(StringComparer.Ordinal);
    private WebApplication app = null!;
    private volatile bool down;
    private volatile TaskCompletionSource? gate;
    private int fetches;

    public Uri JwksUrl { get; private set; } = null!;

    /// <summary>How many times the JWKS was asked for.</summary>
    public int Fetches => Volatile.Read(ref fetches);

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var provider = new TestIdentityProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        provider.app = builder.Build();
        provider.app.MapGet("/jwks", provider.ServeAsync);
        await provider.app.StartBoundedAsync();
        var address = provider.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        provider.JwksUrl = new Uri(new Uri(address), "jwks");
        return provider;
    }

    /// <summary>Publishes the public half of a key in the JWKS.</summary>
    public void Publish(TestSigningKey key) => published[key.KeyId] = key.Public;

    /// <summary>Answers 503 to every fetch while true.</summary>
    public bool Down
    {
        get => down;
        set => down = value;
    }

    /// <summary>Holds every fetch until the returned source is completed: an identity provider that hangs.</summary>
    public TaskCompletionSource Hang()
    {
        var hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate = hang;
        return hang;
    }

    public void Resume()
    {
        gate?.TrySetResult();
        gate = null;
    }

    public async ValueTask DisposeAsync()
    {
        Resume();
        await app.StopBoundedAsync();
    }

    private async Task ServeAsync(HttpContext http)
    {
        Interlocked.Increment(ref fetches);
        if (gate is { } hang)
        {
            await hang.Task.WaitAsync(http.RequestAborted);
        }

        if (down)
        {
            http.Response.StatusCode = 503;
            return;
        }

        var keys = published.Values.Select(k => JsonSerializer.SerializeToElement(JsonWebKeyConverter.ConvertFromSecurityKey(k), JwkJson)).ToArray();
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new { keys }));
    }

    private static readonly JsonSerializerOptions JwkJson = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>A signed token with the standard claims and any extra ones.</summary>
    public static string Mint(
        TestSigningKey key,
        string issuer,
        string audience,
        string subject,
        IDictionary<string, object>? claims = null,
        DateTime? expires = null,
        DateTime? notBefore = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Claims = claims ?? new Dictionary<string, object>(),
            IssuedAt = (notBefore ?? now).AddMinutes(-1),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddMinutes(10),
            SigningCredentials = key.Credentials,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A token with the given header, payload and signature bytes, put together by hand (for forgeries).</summary>
    public static string Compose(object header, object payload, Func<byte[], byte[]>? sign)
    {
        var signingInput = Base64UrlEncoder.Encode(JsonSerializer.Serialize(header)) + "." + Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload));
        var signature = sign is null ? "" : Base64UrlEncoder.Encode(sign(Encoding.ASCII.GetBytes(signingInput)));
        return signingInput + "." + signature;
    }

    /// <summary>The payload a valid token for <paramref name="issuer"/> would carry.</summary>
    public static Dictionary<string, object> Payload(string issuer, string audience, string subject)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new() { ["iss"] = issuer, ["aud"] = audience, ["sub"] = subject, ["iat"] = now - 60, ["nbf"] = now - 60, ["exp"] = now + 600 };
    }

    /// <summary>HMAC-SHA256 under the given key bytes.</summary>
    public static Func<byte[], byte[]> Hmac(byte[] key) => input => HMACSHA256.HashData(key, input);
}
