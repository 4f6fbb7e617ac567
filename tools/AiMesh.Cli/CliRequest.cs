namespace AiMesh.Cli;

/// <summary>The admin API call a command makes.</summary>
internal sealed record CliRequest(HttpMethod Method, string Path, object? Body = null);
