namespace AiMesh.Policy.Keys.Administration;

/// <summary>Why an administration call did nothing. <see cref="Errors"/> is keyed by field, as ProblemDetails' validation errors are.</summary>
internal sealed record AdminFailure(AdminFailureKind Kind, IReadOnlyDictionary<string, string[]> Errors)
{
    public static AdminFailure NotFound { get; } = new(AdminFailureKind.NotFound, new Dictionary<string, string[]>());

    public static AdminFailure Invalid(IReadOnlyDictionary<string, string[]> errors) => new(AdminFailureKind.Invalid, errors);
}
