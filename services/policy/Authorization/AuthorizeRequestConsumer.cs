using AiMesh.Contracts.Policy;
using AiMesh.Policy.Keys;
using MassTransit;

namespace AiMesh.Policy.Authorization;

/// <summary>
/// Decides whether a credential may perform an operation. A model the key may not use is reported as not found,
/// exactly like a model that does not exist, so keys cannot probe the catalog.
/// </summary>
internal sealed class AuthorizeRequestConsumer(KeyRing keys, ILogger<AuthorizeRequestConsumer> logger) : IConsumer<AuthorizeRequest>
{

    public Task Consume(ConsumeContext<AuthorizeRequest> context)
    {
        var request = context.Message;
        var grant = keys.Find(request.CredentialHash);
        if (grant is null)
        {
            PolicyLog.KeyRejected(logger, request.RequestId, request.Operation);
            return context.RespondAsync(new RequestDenied(
                request.RequestId, 401, "invalid_api_key", "Incorrect API key provided."));
        }

        if (request.Model is { } model && !grant.Allows(model))
        {
            PolicyLog.ModelDenied(logger, request.RequestId, grant.KeyId);
            return context.RespondAsync(new RequestDenied(
                request.RequestId, 404, "model_not_found", $"The model '{model}' does not exist or you do not have access to it."));
        }

        return context.RespondAsync(new RequestAuthorized(
            request.RequestId, grant.Principal, grant.KeyId, grant.Models?.Order(StringComparer.Ordinal).ToArray(), grant.Team));
    }
}
