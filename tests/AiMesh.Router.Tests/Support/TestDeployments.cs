using AiMesh.Router.Deployments;

namespace AiMesh.Router.Tests.Support;

internal static class TestDeployments
{
    public const string Key = "sk-test-0123456789abcdefghijKLMNOP";

    public static Deployment Create(string? key = Key, IReadOnlyDictionary<string, string>? headers = null) => new(
        "mock-gpt",
        "gpt-4o-mini",
        "openai",
        new Uri("http://127.0.0.1:9100/v1/"),
        "mock-gpt",
        key is null ? null : new ApiKey(key),
        headers ?? new Dictionary<string, string> { ["x-extra"] = "1" },
        ["chat.completions", "embeddings"],
        "aimesh",
        0);
}
