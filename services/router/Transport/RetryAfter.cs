using System.Net.Http.Headers;

namespace AiMesh.Router.Transport;

/// <summary>Reads a <c>Retry-After</c> header, in either of its forms, as whole seconds from now.</summary>
internal static class RetryAfter
{
    public static int? Seconds(HttpResponseHeaders headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var value = headers.RetryAfter;
        var wait = value?.Delta ?? (value?.Date is { } date ? date - now : null);
        return wait is { } span ? (int)Math.Clamp(Math.Ceiling(span.TotalSeconds), 0, int.MaxValue) : null;
    }
}
