using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Admin;

/// <summary>
/// Reads an admin request's JSON body with a stated limit (<see cref="AdminOptions.MaxBodyBytes"/>): a larger one is
/// answered 413 without reading it to the end, malformed JSON 400 with the offending path as the field. The body is
/// read here rather than by the framework's binder so every failure is a ProblemDetails answer.
/// </summary>
internal sealed class AdminBody(IOptions<AdminOptions> options, IOptions<JsonOptions> json)
{
    /// <summary>
    /// The body of a request to do <paramref name="operation"/>, read only when the actor's role may ever do it:
    /// otherwise 403 before the body is read.
    /// </summary>
    public Task<(T? Value, IResult? Problem)> ReadForAsync<T>(HttpContext http, AdminOperation operation)
        where T : class =>
        AdminRules.MayEver(AdminActor.Of(http), operation)
            ? ReadAsync<T>(http)
            : Task.FromResult<(T? Value, IResult? Problem)>((null, AdminProblems.Forbidden()));

    public async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext http)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(http);
        var limit = options.Value.MaxBodyBytes;
        if (http.Request.ContentLength > limit)
        {
            return (null, AdminProblems.TooLarge(limit));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return (null, AdminProblems.TooLarge(limit));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return (null, AdminProblems.Invalid("body", "a JSON object is required."));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), json.Value.SerializerOptions);
            return value is null ? (null, AdminProblems.Invalid("body", "a JSON object is required.")) : (value, null);
        }
        catch (JsonException invalid)
        {
            // The path and position only: the message could quote the body back.
            var field = string.IsNullOrEmpty(invalid.Path) || invalid.Path == "$" ? "body" : invalid.Path.TrimStart('$', '.');
            return (null, AdminProblems.Invalid(field, $"is not valid JSON for this field (line {invalid.LineNumber + 1}, byte {invalid.BytePositionInLine + 1})."));
        }
    }
}
