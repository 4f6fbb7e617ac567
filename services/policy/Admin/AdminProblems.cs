using AiMesh.Policy.Keys.Administration;

namespace AiMesh.Policy.Admin;

/// <summary>
/// The one mapper from admin outcomes to HTTP: RFC 9457 problem details (<c>application/problem+json</c>), never
/// internal text. Not found is one fixed answer whatever the object and whoever owns it.
/// </summary>
internal static class AdminProblems
{
    public static IResult Unauthenticated => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "Incorrect API key provided.");

    public static IResult NoAdminRights => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "This credential has no administration rights.");

    public static IResult Unavailable => TypedResults.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable", detail: "Administration is not available yet; retry shortly.");

    /// <summary>429 with Retry-After: the address had too many rejected credentials (services/hosting/Security/FailedAttempts.cs).</summary>
    public static IResult Held(HttpContext http, int retryAfterSeconds)
    {
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests, title: "Too Many Requests",
            detail: "Too many requests from this address were refused for their credentials; retry later.");
    }

    public static IResult NotFound => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: "No such object.");

    public static IResult Failed => TypedResults.Problem(
        statusCode: StatusCodes.Status500InternalServerError, title: "Internal Server Error", detail: "The request failed; nothing secret was logged. See the server log by its trace id.");

    public static IResult TooLarge(int maxBytes) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload Too Large", detail: $"Admin request bodies are limited to {maxBytes} bytes.");

    public static IResult Forbidden(string detail = "Your role does not allow this.") => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    public static IResult Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "One or more validation errors occurred.");

    public static IResult Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult Of(AdminFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.Kind switch
        {
            AdminFailureKind.NotFound => NotFound,
            AdminFailureKind.Invalid => Invalid(failure.Errors),
            AdminFailureKind.Forbidden => Forbidden(failure.Detail ?? "Your role does not allow this."),
            AdminFailureKind.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: failure.Detail),
            _ => Failed,
        };
    }

    public static IResult Of(AdminVerdict verdict) => verdict switch
    {
        AdminVerdict.NotFound => NotFound,
        AdminVerdict.Forbidden => Forbidden(),
        _ => Failed,
    };

    /// <summary>The value as 200 (or 201 with <paramref name="created"/>), or the failure as a problem.</summary>
    public static IResult Result<T>(AdminResult<T> result, string? created = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Failure is { } failure)
        {
            return Of(failure);
        }

        return created is null ? TypedResults.Ok(result.Value) : TypedResults.Created(created, result.Value);
    }
}
