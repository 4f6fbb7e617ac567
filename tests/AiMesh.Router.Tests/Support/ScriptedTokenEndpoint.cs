using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace AiMesh.Router.Tests.Support;

/// <summary>
/// A token endpoint in process: records every request (URL and form) and answers with what the test scripts, optionally
/// holding each answer until the test releases it. Also the <see cref="IHttpClientFactory"/> the token cache asks.
/// </summary>
internal sealed class ScriptedTokenEndpoint : HttpMessageHandler, IHttpClientFactory
{
    private readonly ConcurrentQueue<(HttpStatusCode Status, string Body)> answers = new();
    private TaskCompletionSource gate = CompletedGate();

    public ConcurrentQueue<(Uri Url, string Form)> Requests { get; } = new();

    public void Answer(HttpStatusCode status, string body) => answers.Enqueue((status, body));

    public void AnswerToken(string token, int expiresIn = 3600) =>
        Answer(HttpStatusCode.OK, $$"""{"access_token":"{{token}}","expires_in":{{expiresIn}},"token_type":"Bearer"}""");

    /// <summary>Answers wait until <see cref="Release"/>.</summary>
    public void Hold() => gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => gate.TrySetResult();

    public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue((request.RequestUri!, await request.Content!.ReadAsStringAsync(cancellationToken)));
        await gate.Task.WaitAsync(cancellationToken);
        var (status, body) = answers.TryDequeue(out var answer) ? answer : (HttpStatusCode.InternalServerError, "{}");
        return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }

    private static TaskCompletionSource CompletedGate()
    {
        var completed = new TaskCompletionSource();
        completed.SetResult();
        return completed;
    }
}
