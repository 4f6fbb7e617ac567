namespace AiMesh.Router.Deployments;

/// <summary>What a deployment does with a request field its provider cannot honour (<see cref="Providers.ProviderCall.Unsupported"/>).</summary>
internal enum UnsupportedParameterPolicy
{
    /// <summary>Refuse the request with 400 <c>unsupported_parameter</c>; nothing is sent upstream.</summary>
    Reject,

    /// <summary>Send it without the field and tell the client in a header.</summary>
    Drop,
}
