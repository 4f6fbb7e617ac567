using System.Text.Json;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Policy;
using AiMesh.Ingress.Authentication;
using AiMesh.Ingress.Http;
using AiMesh.Ingress.OpenAi;
using MassTransit;

namespace AiMesh.Ingress.Feedback;

/// <summary>
/// <c>POST /v1/feedback</c> <c>{"request_id", "score", "comment"?}</c>: a caller scores one of its own requests (the id
/// its answer carried in <c>x-request-id</c>), for the prompt experiments' statistics. The caller is authenticated like
/// any request (same keys, tokens and certificates) and admitted by policy (operation <c>feedback</c>); metering then
/// keeps the score only if the request is the caller's (same key, or same user), else 404 (<see cref="RecordFeedback"/>).
/// Two plain request/response calls, no saga: nothing is routed or metered. The score is -1 to 1; a later score of the
/// same request replaces the earlier one. Answers 200 <c>{"request_id", "score", "replaced"}</c>, or OpenAI's error envelope.
/// </summary>
internal sealed class FeedbackEndpoint(
    IRequestClient<AuthorizeRequest> policy,
    IRequestClient<RecordFeedback> metering,
    CallerAuthentication authentication,
    ILogger<FeedbackEndpoint> logger)
{
    public const string Operation = "feedback";

    /// <summary>A score and a comment of at most 2,000 characters fit well inside this.</summary>
    public const long MaxBodyBytes = 16 * 1024;

    public async Task PostAsync(HttpContext http)
    {
        var (requestId, _) = RequestIds.Assign(http);
        var caller = await authentication.AuthenticateAsync(http);
        if (caller.Error is not null)
        {
            await OpenAiErrors.WriteAsync(http.Response, caller.Error);
            return;
        }

        var (body, readError) = await RequestBody.ReadAsync(http, MaxBodyBytes);
        if (readError is not null)
        {
            await OpenAiErrors.WriteAsync(http.Response, readError);
            return;
        }

        var (scored, score, comment, invalid) = Read(body!);
        if (invalid is not null)
        {
            await OpenAiErrors.WriteAsync(http.Response, invalid);
            return;
        }

        try
        {
            var decision = await policy.GetResponse<RequestAuthorized, RequestDenied>(
                new AuthorizeRequest(requestId, caller.CredentialHash, Operation, null, http.Connection.RemoteIpAddress?.ToString(), Principal: caller.Principal), http.RequestAborted);
            if (!decision.Is(out Response<RequestAuthorized>? authorized))
            {
                var denied = decision.Is(out Response<RequestDenied>? refusal)
                    ? new ApiError(refusal.Message.Status, "invalid_request_error", refusal.Message.Code, refusal.Message.Message, null, refusal.Message.RetryAfterSeconds)
                    : ApiError.Unavailable("policy_unavailable");
                await OpenAiErrors.WriteAsync(http.Response, denied);
                return;
            }

            var answer = await metering.GetResponse<FeedbackRecorded, FeedbackRefused>(
                new RecordFeedback(requestId, scored, score, comment, authorized.Message.KeyId, authorized.Message.PrincipalId), http.RequestAborted);
            if (answer.Is(out Response<FeedbackRefused>? refused))
            {
                var r = refused.Message;
                await OpenAiErrors.WriteAsync(http.Response, new ApiError(r.Status, r.Status >= 500 ? "api_error" : "invalid_request_error", r.Code, r.Message, r.Status == 404 ? "request_id" : null));
                return;
            }

            if (!answer.Is(out Response<FeedbackRecorded>? recorded))
            {
                await OpenAiErrors.WriteAsync(http.Response, ApiError.Unavailable("metering_unavailable"));
                return;
            }

            IngressLog.FeedbackPosted(logger, requestId, scored, recorded.Message.Replaced);
            http.Response.ContentType = "application/json";
            await using var json = new Utf8JsonWriter(http.Response.Body);
            json.WriteStartObject();
            json.WriteString("request_id", scored.ToString());
            json.WriteNumber("score", recorded.Message.Score);
            json.WriteBoolean("replaced", recorded.Message.Replaced);
            json.WriteEndObject();
            await json.FlushAsync();
        }
        catch (RequestTimeoutException)
        {
            IngressLog.FeedbackUnanswered(logger, requestId);
            await OpenAiErrors.WriteAsync(http.Response, ApiError.Unavailable("service_unavailable"));
        }
    }

    /// <summary>Every member checked here, so a malformed body is a 400 naming the member and never reaches the bus.</summary>
    internal static (Guid RequestId, double Score, string? Comment, ApiError? Error) Read(byte[] body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            return (default, 0, null, ApiError.Invalid("The body is not valid JSON.", null, "invalid_json"));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (default, 0, null, ApiError.Invalid("The body must be a JSON object.", null));
            }

            if (!root.TryGetProperty("request_id", out var id) || id.ValueKind != JsonValueKind.String || !Guid.TryParse(id.GetString(), out var requestId))
            {
                return (default, 0, null, ApiError.Invalid("'request_id' must be the id of one of your requests (its x-request-id).", "request_id"));
            }

            if (!root.TryGetProperty("score", out var scoreValue) || scoreValue.ValueKind != JsonValueKind.Number || !scoreValue.TryGetDouble(out var score) || score is < -1 or > 1)
            {
                return (default, 0, null, ApiError.Invalid("'score' must be a number from -1 (bad) to 1 (good).", "score"));
            }

            string? comment = null;
            if (root.TryGetProperty("comment", out var commentValue) && commentValue.ValueKind != JsonValueKind.Null)
            {
                if (commentValue.ValueKind != JsonValueKind.String)
                {
                    return (default, 0, null, ApiError.Invalid("'comment' must be a string.", "comment"));
                }

                comment = commentValue.GetString();
            }

            return (requestId, score, comment, null);
        }
    }
}
