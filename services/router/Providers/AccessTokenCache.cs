using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace AiMesh.Router.Providers;

/// <summary>
/// Access tokens that adapters obtain for themselves in the transport's credentials step
/// (<see cref="IProviderCredentials"/>): Vertex AI's (a signed service-account assertion) and Azure OpenAI's (Entra ID
/// client credentials). One token per grant identity and token endpoint, cached until shortly before it expires. A token
/// is fetched by one exchange however many calls need it at once: later callers wait for the same exchange, each only as
/// long as its own call allows, and a caller that gives up does not cancel it for the others. A failed refresh falls back
/// on the current token while it is still valid.
/// <para>
/// The exchange posts the grant's form only to the grant's configured token endpoint, never to a URL from a request,
/// with redirects off (<see cref="AccessTokenServices"/>). What the endpoint says when it refuses is logged as a status
/// only and never reaches a client: the call fails as <c>upstream_auth_failed</c>.
/// </para>
/// </summary>
internal sealed class AccessTokenCache(IHttpClientFactory httpClients, TimeProvider time, ILogger<AccessTokenCache> logger)
{
    /// <summary>The client name of the token endpoints' pooled handler.</summary>
    public const string HttpClientName = "aimesh-router-oauth";

    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    // Bounds an exchange shared by many calls; each call also waits no longer than its own first-byte clock allows.
    // (A constant, not the router's options: the adapters are built while those options are being validated.)
    private static readonly TimeSpan ExchangeTimeout = TimeSpan.FromSeconds(30);

    // A token answer is a few kilobytes at most (an Entra token is a JWT).
    private const int MaxAnswerBytes = 64 * 1024;

    private readonly ConcurrentDictionary<(Uri TokenUrl, object Identity), Slot> slots = new();

    /// <summary>The credentials step of an adapter: the grant's token as <c>Authorization: Bearer</c>.</summary>
    /// <param name="grant">Null when the deployment has none (start-up validation prevents it): an auth failure.</param>
    /// <returns>Null when the header is set; otherwise the <see cref="UpstreamErrorKind.AuthenticationFailed"/> error, without text.</returns>
    public async ValueTask<UpstreamError?> AuthorizeAsync(HttpRequestMessage request, string deployment, IAccessTokenGrant? grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = grant is null ? null : await GetAsync(deployment, grant, cancellationToken);
        if (token is null)
        {
            return new UpstreamError(null, null, null, UpstreamErrorKind.AuthenticationFailed);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Reveal());
        return null;
    }

    /// <param name="deployment">The deployment's name, for the logs.</param>
    /// <returns>A valid token, or null when none could be obtained (the reason is logged).</returns>
    public async ValueTask<AccessToken?> GetAsync(string deployment, IAccessTokenGrant grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var slot = slots.GetOrAdd((grant.TokenUrl, grant.Identity), static _ => new Slot());
        TaskCompletionSource<AccessToken?>? mine = null;
        Task<AccessToken?> exchange;
        lock (slot.Gate)
        {
            if (slot.Current is { } current && time.GetUtcNow() < current.RefreshAt)
            {
                return current;
            }

            if (slot.Pending is null)
            {
                slot.Pending = mine = new TaskCompletionSource<AccessToken?>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            exchange = slot.Pending.Task;
        }

        if (mine is not null)
        {
            // Not awaited here: the exchange belongs to every caller waiting for it, not to this call's cancellation.
            _ = ExchangeAsync(deployment, grant, slot, mine);
        }

        return await exchange.WaitAsync(cancellationToken);
    }

    /// <summary>A configured token endpoint: an absolute http(s) URL without user information, query or fragment; else null.</summary>
    public static Uri? ParseTokenUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url)
        && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
        && url.UserInfo.Length == 0 && url.Query.Length == 0 && url.Fragment.Length == 0
            ? url
            : null;

    private async Task ExchangeAsync(string deployment, IAccessTokenGrant grant, Slot slot, TaskCompletionSource<AccessToken?> result)
    {
        AccessToken? token = null;
        try
        {
            using var timeout = new CancellationTokenSource(ExchangeTimeout, time);
            token = await RequestAsync(deployment, grant, timeout.Token);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException
            or JsonException or CryptographicException or InvalidDataException)
        {
            logger.TokenExchangeError(deployment, exception.GetType().Name);
        }
        finally
        {
            // Whatever happened, the waiters get an answer and the next caller may try again.
            lock (slot.Gate)
            {
                slot.Pending = null;
                if (token is not null)
                {
                    slot.Current = token;
                }
                else if (slot.Current is { } current && time.GetUtcNow() < current.ExpiresAt)
                {
                    token = current;
                }
            }

            result.SetResult(token);
        }
    }

    private async Task<AccessToken?> RequestAsync(string deployment, IAccessTokenGrant grant, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, grant.TokenUrl) { Content = new FormUrlEncodedContent(grant.Form(now)) };
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            logger.TokenExchangeFailed(deployment, (int)response.StatusCode);
            return null;
        }

        var body = await ReadBoundedAsync(response.Content, cancellationToken);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var value = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("access_token", out var member) && member.ValueKind == JsonValueKind.String
            ? member.GetString()
            : null;
        if (value is not { Length: > 0 } || !IsHeaderSafe(value))
        {
            logger.TokenExchangeFailed(deployment, (int)response.StatusCode);
            return null;
        }

        var lifetime = TimeSpan.FromSeconds(Math.Clamp(ExpiresIn(root) ?? 3600, 1, 24 * 3600));
        var margin = lifetime / 2 < RefreshMargin ? lifetime / 2 : RefreshMargin;
        logger.TokenObtained(deployment, (int)lifetime.TotalSeconds);
        return new AccessToken(value, now + lifetime - margin, now + lifetime);
    }

    /// <summary><c>expires_in</c> in seconds: a number, or a numeric string as Entra's v1 endpoint sends it.</summary>
    private static long? ExpiresIn(JsonElement root)
    {
        if (!root.TryGetProperty("expires_in", out var member))
        {
            return null;
        }

        return member.ValueKind switch
        {
            JsonValueKind.Number when member.TryGetInt64(out var seconds) => seconds,
            JsonValueKind.String when long.TryParse(member.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) => seconds,
            _ => null,
        };
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var copy = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (copy.Length + read > MaxAnswerBytes)
            {
                throw new InvalidDataException("The token answer is too large.");
            }

            copy.Write(buffer, 0, read);
        }

        return copy.ToArray();
    }

    /// <summary>A token becomes a header value: printable ASCII only, so it cannot break the request.</summary>
    private static bool IsHeaderSafe(string value) => !value.AsSpan().ContainsAnyExceptInRange('!', '~');

    private sealed class Slot
    {
        public Lock Gate { get; } = new();

        public AccessToken? Current { get; set; }

        public TaskCompletionSource<AccessToken?>? Pending { get; set; }
    }
}
