namespace AiMesh.Policy.Admin;

/// <summary>Query and route values read as text and checked here, so a malformed one is a 400 (or 404) with ProblemDetails, not the binder's bare 400.</summary>
internal static class AdminQuery
{
    public static Guid? Id(string? value, string field, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            return null;
        }

        if (Guid.TryParse(value, out var id))
        {
            return id;
        }

        errors[field] = ["must be an id (a UUID)."];
        return null;
    }

    /// <summary>A route id: anything that is not a UUID names no object, so it is simply not found.</summary>
    public static bool TryRouteId(string value, out Guid id) => Guid.TryParse(value, out id);
}
