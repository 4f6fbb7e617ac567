namespace AiMesh.Policy.Limits;

/// <summary>What a counter counts; the response headers report requests and tokens apart.</summary>
internal enum LimitKind
{
    Requests,
    Tokens,
    Concurrent,
}
