using System.Text.Json;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Recording;

/// <summary>
/// The recorder over HTTP for callers in another process (the quick start, the benchmark, a shell):
/// <c>GET /mock/requests</c>, <c>DELETE /mock/requests</c>, <c>GET /mock/health</c>.
/// </summary>
internal static class MockControl
{
    public static async Task HandleAsync(HttpContext http, string path, MockServerState state)
    {
        var method = http.Request.Method;
        switch (path)
        {
            case "/mock/requests" when HttpMethods.IsGet(method):
                await WriteJsonAsync(http, state.Recorder.Snapshot(), WriteRequests);
                break;
            case "/mock/requests" when HttpMethods.IsDelete(method):
                state.Recorder.Clear();
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            case "/mock/health" when HttpMethods.IsGet(method):
                await WriteJsonAsync(http, state.Recorder.Enabled, static (w, recording) =>
                {
                    w.WriteStartObject();
                    w.WriteString("status", "ok");
                    w.WriteBoolean("recording", recording);
                    w.WriteEndObject();
                });
                break;
            default:
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                await WriteJsonAsync(http, new OpenAiError(404, $"Invalid URL ({method} {path})", OpenAiError.InvalidRequest), MockJson.WriteError);
                break;
        }
    }

    private static async Task WriteJsonAsync<TState>(HttpContext http, TState value, Action<Utf8JsonWriter, TState> write)
    {
        var body = MockJson.Render(value, write);
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = body.WrittenCount;
        await http.Response.BodyWriter.WriteAsync(body.WrittenMemory, http.RequestAborted);
    }

    private static void WriteRequests(Utf8JsonWriter w, IReadOnlyList<RecordedRequest> requests)
    {
        w.WriteStartArray();
        foreach (var r in requests)
        {
            w.WriteStartObject();
            w.WriteNumber("id", r.Id);
            w.WriteString("receivedAt", r.ReceivedAt);
            w.WriteString("method", r.Method);
            w.WriteString("path", r.Path);
            MockJson.WriteNullableString(w, "scenario", r.Scenario);
            w.WriteStartObject("headers");
            foreach (var (name, value) in r.Headers)
            {
                w.WriteString(name, value);
            }

            w.WriteEndObject();
            w.WriteString("body", r.Body);
            w.WriteBoolean("finished", r.Finished);
            w.WriteNumber("status", r.StatusCode);
            w.WriteBoolean("completed", r.Completed);
            w.WriteBoolean("cancelled", r.Cancelled);
            w.WriteBoolean("aborted", r.Aborted);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
