using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace AiMesh.Ingress.OpenAi;

/// <summary>
/// Reads a request body under the size limit. Kestrel enforces the limit while reading (a declared length over
/// it fails at once, a chunked body as soon as it passes it), so an oversized body is never buffered whole.
/// </summary>
internal static class RequestBody
{
    public static async Task<(byte[]? Body, ApiError? Error)> ReadAsync(HttpContext http, long maxBytes)
    {
        var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = maxBytes;
        }

        if (http.Request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        var reader = http.Request.BodyReader;
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(http.Request.ContentLength ?? 4096, maxBytes) + 1);
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(http.RequestAborted);
                foreach (var segment in read.Buffer)
                {
                    if (buffer.WrittenCount + segment.Length > maxBytes)
                    {
                        return (null, TooLarge(maxBytes));
                    }

                    buffer.Write(segment.Span);
                }

                reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (BadHttpRequestException ex)
        {
            return (null, ex.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => TooLarge(maxBytes),
                StatusCodes.Status408RequestTimeout => new ApiError(408, "invalid_request_error", "request_timeout", "The request body arrived too slowly."),
                _ => ApiError.Invalid("The request body could not be read.", null, "invalid_body"),
            });
        }

        return (buffer.WrittenSpan.ToArray(), null);
    }

    private static ApiError TooLarge(long maxBytes) =>
        new(413, "invalid_request_error", "request_too_large", $"The request body is larger than {maxBytes} bytes.");
}
