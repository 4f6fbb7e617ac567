namespace AiMesh.MockProvider.Gemini;

/// <summary>
/// A request on one of Google's paths (after the mock's <c>/s/{spec}</c> prefix is stripped):
/// <list type="bullet">
/// <item>Gemini API: <c>/v1beta/models/{model}:{method}</c> (also <c>/v1</c>), key in <c>x-goog-api-key</c>.</item>
/// <item>Vertex AI: <c>/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:{method}</c> (also <c>/v1beta1</c>), bearer token.</item>
/// <item>OAuth: <c>/token</c>.</item>
/// </list>
/// Only POSTs match, so OpenAI's <c>GET /v1/models/{id}</c> keeps its own route.
/// </summary>
/// <param name="Project">Vertex only: the project in the path.</param>
/// <param name="Location">Vertex only: the location in the path.</param>
internal sealed record GoogleRoute(GoogleMethod Method, string Model, bool Vertex, string? Project = null, string? Location = null)
{
    public static bool TryParse(string method, string path, out GoogleRoute route)
    {
        route = null!;
        if (!HttpMethods.IsPost(method))
        {
            return false;
        }

        if (path == "/token")
        {
            route = new GoogleRoute(GoogleMethod.Token, "", false);
            return true;
        }

        var segments = path.Split('/');
        var last = segments[^1];
        var colon = last.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var model = last[..colon];
        var action = MethodNamed(last[(colon + 1)..]);

        // "", version, "models", "{model}:{method}"
        if (segments is ["", "v1beta" or "v1", "models", _])
        {
            route = new GoogleRoute(action, model, false);
            return true;
        }

        // "", version, "projects", p, "locations", l, "publishers", "google", "models", "{model}:{method}"
        if (segments is ["", "v1" or "v1beta1", "projects", var project, "locations", var location, "publishers", "google", "models", _])
        {
            route = new GoogleRoute(action, model, true, project, location);
            return true;
        }

        return false;
    }

    private static GoogleMethod MethodNamed(string name) => name switch
    {
        "generateContent" => GoogleMethod.GenerateContent,
        "streamGenerateContent" => GoogleMethod.StreamGenerateContent,
        "batchEmbedContents" => GoogleMethod.BatchEmbedContents,
        "embedContent" => GoogleMethod.EmbedContent,
        "predict" => GoogleMethod.Predict,
        _ => GoogleMethod.Unknown,
    };
}
