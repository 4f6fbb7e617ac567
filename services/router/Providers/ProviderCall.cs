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
}
