namespace AiMesh.Prompts.Store;

/// <summary>Why a store operation was refused, as the admin API answers it (a status, a stable code, words for a person).</summary>
internal sealed record StoreFailure(int Status, string Code, string Message)
{
    public static StoreFailure NotFound(string name) => new(404, "prompt_not_found", $"No prompt named '{name}'.");

    public static StoreFailure VersionNotFound(string name, int version) =>
        new(404, "prompt_version_not_found", $"Prompt '{name}' has no version {version}.");

    public static StoreFailure Invalid(string message) => new(400, "invalid_prompt", message);

    public static StoreFailure Conflict(string code, string message) => new(409, code, message);
}
