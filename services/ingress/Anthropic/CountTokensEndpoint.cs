using System.Text.Json;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Routing;
using AiMesh.Ingress.Authentication;
using AiMesh.Ingress.Http;
using AiMesh.Ingress.OpenAi;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Anthropic;

/// <summary>
/// <c>POST /v1/messages/count_tokens</c>: <c>{"input_tokens": n}</c> for an Anthropic request. The request is checked
/// as <c>/v1/messages</c> checks it and authorized the same way: policy decides on the key and the model (401 for a
/// key it does not know, 404 for a model the key may not use). The ingress holds no routing logic, so the count is
/// the router's (<see cref="CountTokens"/>): the deployment that would serve the model counts when its provider can
/// (Anthropic), else the router estimates, and the answer then carries <c>x-aimesh-token-count: estimated</c>. Two
/// plain request/responses with nothing to meter, as for the models list.
/// </summary>
internal sealed class CountTokensEndpoint(
    IRequestClient<AuthorizeRequest> policy,
    IRequestClient<CountTokens> router,
    CallerAuthentication authentication,
    IOptions<IngressOptions> options)
{
    public const string Operation = "messages.count_tokens";
    public const string CountHeader = "x-aimesh-token-count";

    public async Task CountAsync(HttpContext http)
    {
        var (requestId, _) = RequestIds.Assign(http);
        if (!MessagesEndpoint.HasVersion(http.Request))
        {
            await AnthropicErrors.WriteAsync(http.Response, MessagesEndpoint.MissingVersion);
            return;
        }

        if (!MessagesEndpoint.TryClientHeaders(http.Request, out var clientHeaders))
        {
            await AnthropicErrors.WriteAsync(http.Response, MessagesEndpoint.InvalidBeta);
            return;
        }

        var caller = await authentication.AuthenticateAsync(http);
        if (caller.Error is not null)
        {
            await AnthropicErrors.WriteAsync(http.Response, caller.Error);
            return;
        }

        var settings = options.Value;
        var (body, readError) = await RequestBody.ReadAsync(http, settings.MaxBodyBytes);
        if (readError is not null)
        {
            await AnthropicErrors.WriteAsync(http.Response, readError);
            return;
        }

        var (request, _, invalid) = AnthropicRequestValidator.Canonical(body!, settings.MaxJsonDepth, counting: true);
        if (invalid is not null)
        {
            await AnthropicErrors.WriteAsync(http.Response, invalid);
            return;
        }

        var model = request!["model"]!.GetValue<string>();
        var (counted, refused) = await CountAsync(http, requestId, caller, model, request.ToJsonString(), clientHeaders);
        if (refused is not null)
        {
            await AnthropicErrors.WriteAsync(http.Response, refused);
            return;
        }

        if (counted!.Estimated)
        {
            http.Response.Headers[CountHeader] = "estimated";
        }

        AnthropicErrors.RequestId(http.Response);
        http.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(http.Response.Body, AnthropicJsonWriting.Options);
        json.WriteStartObject();
        json.WriteNumber("input_tokens", counted.InputTokens!.Value);
        json.WriteEndObject();
        await json.FlushAsync(http.RequestAborted);
    }

    /// <returns>The router's count when the key may use the model and a deployment serves it; else the error to answer.</returns>
    private async Task<(TokensCounted? Counted, ApiError? Error)> CountAsync(
        HttpContext http, Guid requestId, Caller caller, string model, string body, IReadOnlyDictionary<string, string>? clientHeaders)
    {
        try
        {
            var decision = await policy.GetResponse<RequestAuthorized, RequestDenied>(
                new AuthorizeRequest(requestId, caller.CredentialHash, Operation, model, http.Connection.RemoteIpAddress?.ToString(), Principal: caller.Principal), http.RequestAborted);
            if (decision.Is(out Response<RequestDenied>? denied))
            {
                return (null, new ApiError(denied.Message.Status, "invalid_request_error", denied.Message.Code, denied.Message.Message,
                    RetryAfterSeconds: denied.Message.RetryAfterSeconds));
            }

            var counted = (await router.GetResponse<TokensCounted>(new CountTokens(requestId, model, body, clientHeaders), http.RequestAborted)).Message;
            return counted.InputTokens is null
                ? (null, new ApiError(counted.Status ?? 502, "invalid_request_error", counted.ErrorCode ?? "count_failed",
                    counted.ErrorMessage ?? "The tokens could not be counted.", "model"))
                : (counted, null);
        }
        catch (RequestTimeoutException)
        {
            return (null, ApiError.Unavailable("service_unavailable"));
        }
    }
}
