using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Anthropic;

/// <summary>
/// Thrown while an Anthropic request is read, at the first member that is not what Anthropic's API accepts; caught
/// once, in <see cref="AnthropicRequestTranslator.Translate"/>, and answered as a 400. It keeps the checks, which are
/// nested several levels deep, next to the translation they guard.
/// </summary>
internal sealed class InvalidAnthropicRequest(string path, string problem)
    : Exception($"{path}: {problem}")
{
    public ApiError Error { get; } = ApiError.Invalid($"{path}: {problem}", path);
}
