using System.Text.Json;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Routing;
using AiMesh.Ingress.Authentication;
using AiMesh.Ingress.Http;
using MassTransit;

namespace AiMesh.Ingress.OpenAi;

/// <summary>
/// <c>GET /v1/models</c> and <c>/v1/models/{id}</c>: the router's catalog, narrowed to what policy says the caller
/// may use. Two plain request/response calls, no saga: nothing is metered and nothing needs undoing.
/// </summary>
internal sealed class ModelsEndpoint(IRequestClient<AuthorizeRequest> policy, IRequestClient<ListModels> router, CallerAuthentication authentication)
{
    public async Task ListAsync(HttpContext http)
    {
        var models = await VisibleModelsAsync(http);
        if (models is null)
        {
            return;
        }

        await WriteAsync(http.Response, json =>
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            foreach (var model in models)
            {
                WriteModel(json, model);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    public async Task GetAsync(HttpContext http, string id)
    {
        var models = await VisibleModelsAsync(http);
        if (models is null)
        {
            return;
        }

        var model = models.FirstOrDefault(m => m.Id == id);
        if (model is null)
        {
            await OpenAiErrors.WriteAsync(http.Response, new ApiError(404, "invalid_request_error", "model_not_found",
                $"The model '{id}' does not exist or you do not have access to it.", "model"));
            return;
        }

        await WriteAsync(http.Response, json => WriteModel(json, model));
    }

    private async Task<IReadOnlyList<ModelDescription>?> VisibleModelsAsync(HttpContext http)
    {
        var (requestId, _) = RequestIds.Assign(http);
        var caller = await authentication.AuthenticateAsync(http);
        if (caller.Error is not null)
        {
            await OpenAiErrors.WriteAsync(http.Response, caller.Error);
            return null;
        }

        try
        {
            var decision = await policy.GetResponse<RequestAuthorized, RequestDenied>(
                new AuthorizeRequest(requestId, caller.CredentialHash, "models.list", null, http.Connection.RemoteIpAddress?.ToString(), Principal: caller.Principal), http.RequestAborted);
            if (decision.Is(out Response<RequestDenied>? denied))
            {
                await OpenAiErrors.WriteAsync(http.Response, new ApiError(denied.Message.Status, "invalid_request_error", denied.Message.Code, denied.Message.Message));
                return null;
            }

            if (!decision.Is(out Response<RequestAuthorized>? authorized))
            {
                await OpenAiErrors.WriteAsync(http.Response, ApiError.Unavailable("policy_unavailable"));
                return null;
            }

            var allowed = authorized.Message.AllowedModels;
            var catalog = await router.GetResponse<ModelsListed>(new ListModels(requestId), http.RequestAborted);
            return allowed is null
                ? catalog.Message.Models
                : catalog.Message.Models.Where(m => allowed.Contains(m.Id)).ToArray();
        }
        catch (RequestTimeoutException)
        {
            await OpenAiErrors.WriteAsync(http.Response, ApiError.Unavailable("service_unavailable"));
            return null;
        }
    }

    private static void WriteModel(Utf8JsonWriter json, ModelDescription model)
    {
        json.WriteStartObject();
        json.WriteString("id", model.Id);
        json.WriteString("object", "model");
        json.WriteNumber("created", model.Created);
        json.WriteString("owned_by", model.OwnedBy);
        json.WriteEndObject();
    }

    private static async Task WriteAsync(HttpResponse response, Action<Utf8JsonWriter> write)
    {
        response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(response.Body);
        write(json);
        await json.FlushAsync();
    }
}
