namespace AiMesh.Policy.Keys.Administration;

/// <summary>Why an administration call did nothing. <see cref="Errors"/> is keyed by field, as ProblemDetails' validation errors are.</summary>
internal sealed record AdminFailure(AdminFailureKind Kind, IReadOnlyDictionary<string, string[]> Errors, string? Detail = null)
{
    public static AdminFailure NotFound { get; } = new(AdminFailureKind.NotFound, new Dictionary<string, string[]>());

    public static AdminFailure Invalid(IReadOnlyDictionary<string, string[]> errors) => new(AdminFailureKind.Invalid, errors);

    public static AdminFailure Invalid(string field, string message) =>
        new(AdminFailureKind.Invalid, new Dictionary<string, string[]> { [field] = [message] });

    public static AdminFailure Forbidden(string detail) => new(AdminFailureKind.Forbidden, new Dictionary<string, string[]>(), detail);

    public static AdminFailure Conflict(string detail) => new(AdminFailureKind.Conflict, new Dictionary<string, string[]>(), detail);
}
