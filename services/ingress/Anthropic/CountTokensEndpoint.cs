using System.Globalization;
using System.Text.Json;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Routing;
using AiMesh.Ingress.Http;
using AiMesh.Ingress.OpenAi;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Anthropic;

/// <summary>
/// <c>POST /v1/messages/count_tokens</c>: <c>{"input_tokens": n}</c> for an Anthropic request, counted the same way
/// whatever model it names. The request is checked as <c>/v1/messages</c> checks it, and authorized the same way:
/// policy decides on the key and the model (401 for a key it does not know, 404 for a model the key may not use) and
/// the router's catalog must hold the model (404 otherwise), both plain request/responses with nothing to meter, as
/// for the models list. The count is <see cref="TokenEstimator"/>'s estimate, marked with
/// <c>x-aimesh-token-count: estimated</c>; asking the deployment's provider (Anthropic counts exactly) is not done
/// yet (docs/anthropic-api.md).
/// </summary>
internal sealed class CountTokensEndpoint(
    IRequestClient<AuthorizeRequest> policy,
    IRequestClient<ListModels> router,
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

        var (credential, unauthenticated) = ClientCredential.Check(http.Request);
        if (unauthenticated is not null)
        {
            await AnthropicErrors.WriteAsync(http.Response, unauthenticated);
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
        if (await RefusedAsync(http, requestId, credential!, model) is { } refused)
        {
            await AnthropicErrors.WriteAsync(http.Response, refused);
            return;
        }

        http.Response.Headers[CountHeader] = "estimated";
        AnthropicErrors.RequestId(http.Response);
        http.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(http.Response.Body, AnthropicJsonWriting.Options);
        json.WriteStartObject();
        json.WriteNumber("input_tokens", TokenEstimator.Estimate(request));
        json.WriteEndObject();
        await json.FlushAsync(http.RequestAborted);
    }

    /// <returns>Null when the key may use the model and the mesh serves it; else the error to answer.</returns>
    private async Task<ApiError?> RefusedAsync(HttpContext http, Guid requestId, string credential, string model)
    {
        try
        {
            var decision = await policy.GetResponse<RequestAuthorized, RequestDenied>(
                new AuthorizeRequest(requestId, credential, Operation, model, http.Connection.RemoteIpAddress?.ToString()), http.RequestAborted);
            if (decision.Is(out Response<RequestDenied>? denied))
            {
                return new ApiError(denied.Message.Status, "invalid_request_error", denied.Message.Code, denied.Message.Message,
                    RetryAfterSeconds: denied.Message.RetryAfterSeconds);
            }

            var catalog = await router.GetResponse<ModelsListed>(new ListModels(requestId), http.RequestAborted);
            return catalog.Message.Models.Any(m => m.Id == model)
                ? null
                : new ApiError(404, "invalid_request_error", "model_not_found",
                    string.Create(CultureInfo.InvariantCulture, $"The model '{model}' does not exist or you do not have access to it."), "model");
        }
        catch (RequestTimeoutException)
        {
            return ApiError.Unavailable("service_unavailable");
        }
    }
}
