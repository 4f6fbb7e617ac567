using MassTransit;

namespace AiMesh.Ingress.Http;

/// <summary>
/// Every request gets an internal id (a <see cref="NewId"/> Guid, the saga's correlation id, carried by every
/// message and log line). A client's own <c>x-request-id</c> is echoed back when it is well-formed, and logged
/// beside the internal id; it is never used as a correlation id, so two clients cannot collide.
/// </summary>
internal static class RequestIds
{
    public const string Header = "x-request-id";

    public static (Guid Id, string Echo) Assign(HttpContext http)
    {
        var id = NewId.NextGuid();
        var given = http.Request.Headers[Header].ToString();
        var echo = IsWellFormed(given) ? given : id.ToString("D");
        http.Response.Headers[Header] = echo;
        return (id, echo);
    }

    private static bool IsWellFormed(string value) =>
        value.Length is > 0 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
