using System.Text.Json.Nodes;
using AiMesh.Router.Deployments;

namespace AiMesh.Router.Providers;

/// <summary>
/// One call an adapter translates. A class, not a record, so that nothing prints the body (the prompt) by accident.
/// </summary>
internal sealed class ProviderCall
{
    public required Guid RequestId { get; init; }

    /// <summary>See <see cref="ProviderApis"/>.</summary>
    public required string Api { get; init; }

    public required Deployment Deployment { get; init; }

    /// <summary>The client's request, parsed. The adapter may change it while building the upstream request.</summary>
    public required JsonObject Body { get; init; }

    public required bool Stream { get; init; }

    /// <summary>Whether the client itself asked for the usage chunk (<c>stream_options.include_usage</c>).</summary>
    public required bool ClientIncludeUsage { get; init; }

    /// <summary>
    /// Request fields the provider cannot honour, by their OpenAI names (<c>logprobs</c>, <c>n</c>…). The adapter
    /// adds each one it leaves out of the upstream request, in <see cref="IProviderAdapter.BuildRequest"/>; the
    /// transport then refuses the call or sends it without them, as the deployment's
    /// <see cref="Deployments.Deployment.UnsupportedParameters"/> says. Never silently changed.
    /// </summary>
    public List<string> Unsupported { get; } = [];
}
