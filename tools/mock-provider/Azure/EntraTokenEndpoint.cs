using System.Globalization;
using System.Text;
using AiMesh.MockProvider.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace AiMesh.MockProvider.Azure;

/// <summary>
/// <c>POST /{tenant}/oauth2/v2.0/token</c>: Microsoft Entra ID's token endpoint for the client-credentials grant, as
/// Azure OpenAI's callers use it. Checks the form as Entra does (<c>grant_type=client_credentials</c>, the client id and
/// secret of <see cref="MockProviderOptions"/>, a <c>scope</c> of the Azure AI services resource ending in
/// <c>/.default</c>) and answers <c>{token_type, expires_in, ext_expires_in, access_token}</c> with a token the mock's
/// Azure routes then accept. Refusals use Entra's body: <c>error</c>, <c>error_description</c> starting with the
/// AADSTS code, <c>error_codes</c>, <c>timestamp</c>, <c>trace_id</c>, <c>correlation_id</c>, <c>error_uri</c>. A
/// scenario status refuses as Entra would: 401 <c>invalid_client</c> (a wrong secret), 5xx <c>temporarily_unavailable</c>,
/// others <c>invalid_request</c>. Every call is recorded like any other.
/// </summary>
internal static class EntraTokenEndpoint
{
    public const string Scope = "https://cognitiveservices.azure.com/.default";

    /// <summary>Whether <paramref name="path"/> is a tenant's v2.0 token endpoint.</summary>
    public static bool Matches(string method, string path) =>
        HttpMethods.IsPost(method) && path.Split('/') is ["", { Length: > 0 }, "oauth2", "v2.0", "token"];

    public static async Task HandleAsync(MockExchange exchange, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        if (exchange.State.Counters.ShouldFail(exchange.Scenario))
        {
            await SendAsync(exchange, ForStatus(exchange.Scenario.Status!.Value));
            return;
        }

        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body.Span));
        if (Refusal(form, exchange.State.Options) is { } refused)
        {
            await SendAsync(exchange, refused);
            return;
        }

        var token = exchange.State.Entra.Issue(DateTimeOffset.UtcNow);
        var json = MockJson.Render(token, static (w, value) =>
        {
            w.WriteStartObject();
            w.WriteString("token_type", "Bearer");
            w.WriteNumber("expires_in", EntraMockState.TokenSeconds);
            w.WriteNumber("ext_expires_in", EntraMockState.TokenSeconds);
            w.WriteString("access_token", value);
            w.WriteEndObject();
        });
        await exchange.SendJsonAsync(StatusCodes.Status200OK, json.WrittenMemory, injectFaults: true);
    }

    private static Refused? Refusal(Dictionary<string, StringValues> form, MockProviderOptions options)
    {
        foreach (var field in (string[])["grant_type", "client_id", "scope"])
        {
            if (StringValues.IsNullOrEmpty(form.GetValueOrDefault(field)))
            {
                return new(400, "invalid_request", 900144, $"The request body must contain the following parameter: '{field}'.");
            }
        }

        if (form["grant_type"] != "client_credentials")
        {
            return new(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
        }

        if (form["client_id"] != options.EntraClientId)
        {
            return new(400, "unauthorized_client", 700016, $"Application with identifier '{form["client_id"]}' was not found in the directory.");
        }

        if (form.GetValueOrDefault("client_secret") != options.EntraClientSecret)
        {
            return new(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.");
        }

        return form["scope"] == Scope
            ? null
            : new(400, "invalid_scope", 1002012, $"The provided value for scope {form["scope"]} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
    }

    private static Refused ForStatus(int status) => status switch
    {
        401 => new(status, "invalid_client", 7000215, "Mock scenario: invalid client secret provided."),
        >= 500 => new(status, "temporarily_unavailable", 50020, "Mock scenario: the service is temporarily unavailable."),
        _ => new(status, "invalid_request", 900144, "Mock scenario: the request was refused."),
    };

    private static Task SendAsync(MockExchange exchange, Refused refused)
    {
        var json = MockJson.Render(refused, static (w, r) =>
        {
            var code = r.Code.ToString(CultureInfo.InvariantCulture);
            var trace = Guid.NewGuid().ToString();
            var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            w.WriteStartObject();
            w.WriteString("error", r.Error);
            w.WriteString("error_description", $"AADSTS{code}: {r.Description} Trace ID: {trace} Correlation ID: {trace} Timestamp: {now}");
            w.WriteStartArray("error_codes");
            w.WriteNumberValue(r.Code);
            w.WriteEndArray();
            w.WriteString("timestamp", now);
            w.WriteString("trace_id", trace);
            w.WriteString("correlation_id", trace);
            w.WriteString("error_uri", "https://login.microsoftonline.com/error?code=" + code);
            w.WriteEndObject();
        });
        return exchange.SendJsonAsync(refused.Status, json.WrittenMemory, injectFaults: false);
    }

    private sealed record Refused(int Status, string Error, int Code, string Description);
}
