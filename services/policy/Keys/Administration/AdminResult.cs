namespace AiMesh.Policy.Keys.Administration;

/// <summary>The outcome of an administration call: a value, or a failure the admin API maps to ProblemDetails.</summary>
internal sealed record AdminResult<T>(T? Value, AdminFailure? Failure)
    where T : class
{
    public bool Succeeded => Failure is null;
}
