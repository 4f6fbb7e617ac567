using AiMesh.Contracts.Policy;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Principals;
using MassTransit;

namespace AiMesh.Policy.Authorization;

/// <summary>
/// Decides whether a credential may perform an operation, from memory only: configured keys (<see cref="KeyRing"/>)
/// and stored keys (<see cref="StoredKeys"/>), both looked up by the credential's hash. Unknown, revoked, disabled
/// and expired keys, and a client address outside the key's allowlist, all get the very same 401, so an answer
/// never tells which keys exist. (The lookup is by SHA-256: timing can at most tell that some key has a hash near
/// the one sent, which says nothing about any secret.) A model the key may not use is reported as not found,
/// exactly like a model that does not exist, so keys cannot probe the catalog.
/// </summary>
internal sealed class AuthorizeRequestConsumer(
    KeyRing keys,
    StoredKeys stored,
    PrincipalGrants principals,
    TimeProvider time,
    ILogger<AuthorizeRequestConsumer> logger) : IConsumer<AuthorizeRequest>
{
    public Task Consume(ConsumeContext<AuthorizeRequest> context)
    {
        var request = context.Message;
        var hash = request.CredentialHash ?? "";
        // A principal the ingress verified (JWT, client certificate) gets its grant from configuration, not a key.
        var grant = request.Principal is { } principal ? principals.GrantFor(principal) : keys.Find(hash) ?? stored.Find(hash);
        if (grant is null && !stored.IsLoaded)
        {
            // Not "unknown": policy cannot tell yet. Every key not in configuration gets this, so it reveals nothing.
            PolicyLog.StoreNotLoaded(logger, request.RequestId);
            return context.RespondAsync(new RequestDenied(
                request.RequestId, 503, "policy_unavailable", "Authorization is not available yet; retry shortly.", RetryAfterSeconds: 1));
        }

        if (grant is null || !grant.Admits(time.GetUtcNow(), request.ClientAddress))
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
