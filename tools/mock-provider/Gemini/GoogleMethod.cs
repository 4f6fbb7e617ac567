namespace AiMesh.MockProvider.Gemini;

/// <summary>The Google API methods the mock answers, named after the part of the URL after the model's colon.</summary>
internal enum GoogleMethod
{
    /// <summary>A method the mock does not know: 404 with Google's error body.</summary>
    Unknown,
    GenerateContent,
    StreamGenerateContent,
    BatchEmbedContents,
    EmbedContent,
    Predict,

    /// <summary>The OAuth token endpoint (<c>POST /token</c>), where a service account's signed assertion buys an access token.</summary>
    Token,
}
