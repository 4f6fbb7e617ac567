using System.Globalization;
using System.Text.Json;

namespace AiMesh.MockProvider.Gemini;

/// <summary>
/// An error as Google's APIs report it: HTTP status plus <c>{"error":{"code","message","status","details"}}</c>,
/// with the canonical gRPC status name Google clients classify errors by.
/// </summary>
/// <param name="Reason">An <c>ErrorInfo</c> detail's reason (e.g. <c>API_KEY_INVALID</c>).</param>
/// <param name="RetryDelaySeconds">A <c>RetryInfo</c> detail's delay, which is how Google says when to retry.</param>
internal sealed record GoogleError(int Status, string Code, string Message, string? Reason = null, int? RetryDelaySeconds = null)
{
    public static GoogleError InvalidArgument(string message) => new(StatusCodes.Status400BadRequest, "INVALID_ARGUMENT", message);

    /// <summary>The body a real Google endpoint sends with <paramref name="status"/>.</summary>
    public static GoogleError ForStatus(int status, int retryAfterSeconds) => status switch
    {
        400 => InvalidArgument("Mock scenario: request contains an invalid argument."),
        401 => new(status, "UNAUTHENTICATED", "Mock scenario: request had invalid authentication credentials."),
        403 => new(status, "PERMISSION_DENIED", "Mock scenario: the caller does not have permission."),
        404 => new(status, "NOT_FOUND", "Mock scenario: the model was not found."),
        409 => new(status, "ABORTED", "Mock scenario: the request was aborted."),
        429 => new(status, "RESOURCE_EXHAUSTED", "Mock scenario: resource has been exhausted (e.g. check quota).", RetryDelaySeconds: retryAfterSeconds),
        499 => new(status, "CANCELLED", "Mock scenario: the operation was cancelled."),
        501 => new(status, "UNIMPLEMENTED", "Mock scenario: the method is not implemented."),
        503 => new(status, "UNAVAILABLE", "Mock scenario: the model is overloaded. Please try again later."),
        504 => new(status, "DEADLINE_EXCEEDED", "Mock scenario: the deadline expired before the operation could complete."),
        >= 500 => new(status, "INTERNAL", "Mock scenario: an internal error has occurred."),
        _ => new(status, "FAILED_PRECONDITION", "Mock scenario: the request failed."),
    };

    /// <summary>A gRPC status name as its HTTP status, for errors named in a prompt (<c>fail:RESOURCE_EXHAUSTED</c>).</summary>
    public static GoogleError ForCode(string code) => code switch
    {
        "RESOURCE_EXHAUSTED" => ForStatus(429, 1),
        "INVALID_ARGUMENT" => ForStatus(400, 0),
        "UNAVAILABLE" => ForStatus(503, 0),
        "PERMISSION_DENIED" => ForStatus(403, 0),
        "UNAUTHENTICATED" => ForStatus(401, 0),
        _ => ForStatus(500, 0),
    };

    /// <summary>The whole body, also how an error travels inside a stream.</summary>
    public void Write(Utf8JsonWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject();
        WriteMember(w);
        w.WriteEndObject();
    }

    /// <summary>The <c>"error": {...}</c> member.</summary>
    private void WriteMember(Utf8JsonWriter w)
    {
        w.WriteStartObject("error");
        w.WriteNumber("code", Status);
        w.WriteString("message", Message);
        w.WriteString("status", Code);
        if (Reason is not null || RetryDelaySeconds is not null)
        {
            w.WriteStartArray("details");
            if (Reason is not null)
            {
                w.WriteStartObject();
                w.WriteString("@type", "type.googleapis.com/google.rpc.ErrorInfo");
                w.WriteString("reason", Reason);
                w.WriteString("domain", "googleapis.com");
                w.WriteEndObject();
            }

            if (RetryDelaySeconds is { } delay)
            {
                w.WriteStartObject();
                w.WriteString("@type", "type.googleapis.com/google.rpc.RetryInfo");
                w.WriteString("retryDelay", delay.ToString(CultureInfo.InvariantCulture) + "s");
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }
}
