using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using AiMesh.MockProvider.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace AiMesh.MockProvider.Gemini;

/// <summary>
/// <c>POST /token</c>: Google's OAuth token endpoint for the service-account flow (RFC 7523). Checks the assertion as
/// Google does, signature (RS256, against <see cref="MockProviderOptions.ServiceAccountPublicKeyPem"/>), audience
/// (this endpoint's own URL), issuer, scope and times, and answers with an access token the mock's Vertex routes
/// then accept. Refusals use OAuth's <c>{"error","error_description"}</c> body. Every call is recorded like any other.
/// </summary>
internal static class GoogleTokenEndpoint
{
    private const string JwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public static async Task HandleAsync(MockExchange exchange, ReadOnlyMemory<byte> body)
    {
        if (exchange.State.Counters.ShouldFail(exchange.Scenario))
        {
            await SendAsync(exchange, exchange.Scenario.Status!.Value, "server_error", "Mock scenario: the token endpoint failed.");
            return;
        }

        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body.Span));
        if (form.GetValueOrDefault("grant_type").ToString() != JwtBearer)
        {
            await SendAsync(exchange, StatusCodes.Status400BadRequest, "unsupported_grant_type", "Invalid grant_type.");
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var problem = Check(exchange, form.GetValueOrDefault("assertion").ToString(), now);
        if (problem is not null)
        {
            await SendAsync(exchange, StatusCodes.Status400BadRequest, "invalid_grant", problem);
            return;
        }

        var token = exchange.State.Google.Issue(now);
        var json = MockJson.Render(token, static (w, value) =>
        {
            w.WriteStartObject();
            w.WriteString("access_token", value);
            w.WriteNumber("expires_in", GoogleMockState.TokenSeconds);
            w.WriteString("token_type", "Bearer");
            w.WriteEndObject();
        });
        await exchange.SendJsonAsync(StatusCodes.Status200OK, json.WrittenMemory, injectFaults: true);
    }

    /// <returns>Null when the assertion is good, else what is wrong with it.</returns>
    private static string? Check(MockExchange exchange, string assertion, DateTimeOffset now)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return "Invalid JWT: not a JWS compact serialization.";
        }

        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            if (header.RootElement.ValueKind != JsonValueKind.Object || Text(header.RootElement, "alg") != "RS256")
            {
                return "Invalid JWT: the algorithm must be RS256.";
            }

            if (!exchange.State.Google.Verify(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2])))
            {
                return "Invalid JWT Signature.";
            }

            using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return CheckClaims(claims.RootElement, Audience(exchange.Http.Request), now);
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return "Invalid JWT: not base64url JSON.";
        }
    }

    private static string? CheckClaims(JsonElement claims, string audience, DateTimeOffset now)
    {
        if (claims.ValueKind != JsonValueKind.Object || string.IsNullOrEmpty(Text(claims, "iss")) || string.IsNullOrEmpty(Text(claims, "scope")))
        {
            return "Invalid JWT: iss and scope are required.";
        }

        if (!SameUrl(Text(claims, "aud"), audience))
        {
            return "Invalid JWT: the audience is not this token endpoint.";
        }

        if (!claims.TryGetProperty("iat", out var iat) || !iat.TryGetInt64(out var issued)
            || !claims.TryGetProperty("exp", out var exp) || !exp.TryGetInt64(out var expires))
        {
            return "Invalid JWT: iat and exp are required.";
        }

        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(issued);
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(expires);
        if (issuedAt > now + ClockSkew || expiresAt <= now - ClockSkew || expiresAt - issuedAt > TimeSpan.FromHours(1))
        {
            return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
        }

        return null;
    }

    /// <summary>This endpoint's own URL as the caller addressed it, scenario prefix included.</summary>
    private static string Audience(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}";

    private static bool SameUrl(string? claimed, string actual) =>
        claimed is not null && string.Equals(Uri.UnescapeDataString(claimed).TrimEnd('/'), Uri.UnescapeDataString(actual).TrimEnd('/'), StringComparison.Ordinal);

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task SendAsync(MockExchange exchange, int status, string error, string description)
    {
        var json = MockJson.Render((error, description), static (w, value) =>
        {
            w.WriteStartObject();
            w.WriteString("error", value.error);
            w.WriteString("error_description", value.description);
            w.WriteEndObject();
        });
        await exchange.SendJsonAsync(status, json.WrittenMemory, injectFaults: false);
    }
}
