using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using AiMesh.Router.Deployments;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// Access tokens for Vertex deployments, one per service account and token endpoint, cached until shortly before they
/// expire. A token is fetched by one exchange however many calls need it at once: later callers wait for the same
/// exchange, each only as long as its own call allows, and a caller that gives up does not cancel it for the others.
/// A failed refresh falls back on the current token while it is still valid.
/// <para>
/// The exchange sends the signed assertion only to the deployment's configured token endpoint (validated at start
/// against the key file's <c>token_uri</c>), never to a URL from a request, with redirects off. What the endpoint
/// says when it refuses is logged as a status only and never reaches a client: the call fails as
/// <c>upstream_auth_failed</c>.
/// </para>
/// </summary>
internal sealed class VertexAccessTokens(IHttpClientFactory httpClients, TimeProvider time, ILogger<VertexAccessTokens> logger)
{
    /// <summary>The client name of the token endpoint's pooled handler.</summary>
    public const string HttpClientName = "aimesh-router-google-oauth";

    public const string Scope = "https://www.googleapis.com/auth/cloud-platform";

    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    // Bounds an exchange shared by many calls; each call also waits no longer than its own first-byte clock allows.
    // (A constant, not the router's options: the adapters are built while those options are being validated.)
    private static readonly TimeSpan ExchangeTimeout = TimeSpan.FromSeconds(30);

    // A token answer is a few hundred bytes.
    private const int MaxAnswerBytes = 64 * 1024;

    private readonly ConcurrentDictionary<(string Account, string? KeyId, Uri TokenUrl), Slot> slots = new();

    /// <returns>A valid token, or null when none could be obtained (the reason is logged).</returns>
    public async ValueTask<VertexAccessToken?> GetAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.ServiceAccount is not { } account || deployment.TokenUrl is not { } tokenUrl)
        {
            return null;
        }

        var slot = slots.GetOrAdd((account.ClientEmail, account.PrivateKeyId, tokenUrl), static _ => new Slot());
        TaskCompletionSource<VertexAccessToken?>? mine = null;
        Task<VertexAccessToken?> exchange;
        lock (slot.Gate)
        {
            var now = time.GetUtcNow();
            if (slot.Current is { } current && now < current.RefreshAt)
            {
                return current;
            }

            if (slot.Pending is null)
            {
                slot.Pending = mine = new TaskCompletionSource<VertexAccessToken?>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            exchange = slot.Pending.Task;
        }

        if (mine is not null)
        {
            // Not awaited here: the exchange belongs to every caller waiting for it, not to this call's cancellation.
            _ = ExchangeAsync(deployment, account, tokenUrl, slot, mine);
        }

        return await exchange.WaitAsync(cancellationToken);
    }

    private async Task ExchangeAsync(Deployment deployment, GoogleServiceAccount account, Uri tokenUrl, Slot slot, TaskCompletionSource<VertexAccessToken?> result)
    {
        VertexAccessToken? token = null;
        try
        {
            using var timeout = new CancellationTokenSource(ExchangeTimeout, time);
            token = await RequestAsync(deployment, account, tokenUrl, timeout.Token);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException
            or JsonException or CryptographicException or InvalidDataException)
        {
            logger.VertexTokenExchangeError(deployment.Name, exception.GetType().Name);
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

    private async Task<VertexAccessToken?> RequestAsync(Deployment deployment, GoogleServiceAccount account, Uri tokenUrl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        string assertion;
        using (var key = account.OpenSigningKey())
        {
            assertion = GoogleJwt.Create(account, key, tokenUrl, Scope, now);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, tokenUrl)
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                new("assertion", assertion),
            ]),
        };
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            logger.VertexTokenExchangeFailed(deployment.Name, (int)response.StatusCode);
            return null;
        }

        var body = await ReadBoundedAsync(response.Content, cancellationToken);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var value = GeminiJson.String(root, "access_token");
        if (value is not { Length: > 0 } || !IsHeaderSafe(value))
        {
            logger.VertexTokenExchangeFailed(deployment.Name, (int)response.StatusCode);
            return null;
        }

        var lifetime = TimeSpan.FromSeconds(Math.Clamp(GeminiJson.Int(root, "expires_in") ?? 3600, 1, 24 * 3600));
        var margin = lifetime / 2 < RefreshMargin ? lifetime / 2 : RefreshMargin;
        logger.VertexTokenObtained(deployment.Name, (int)lifetime.TotalSeconds);
        return new VertexAccessToken(value, now + lifetime - margin, now + lifetime);
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

        public VertexAccessToken? Current { get; set; }

        public TaskCompletionSource<VertexAccessToken?>? Pending { get; set; }
    }
}
