namespace AiMesh.Hosting.Limits;

/// <summary>What a counter counts; the response headers report requests and tokens apart.</summary>
public enum LimitKind
{
    Requests,
    Tokens,
    Concurrent,
}
