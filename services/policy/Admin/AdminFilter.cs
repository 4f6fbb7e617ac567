using System.Data.Common;

namespace AiMesh.Policy.Admin;

/// <summary>
/// Runs before every admin handler: authenticates the caller (<see cref="AdminAuthentication"/>) and attaches the
/// actor, and turns any exception a handler lets escape into a ProblemDetails answer (503 when the store is
/// unreachable, else 500), logged by route template, never with the request's content.
/// </summary>
internal sealed class AdminFilter(AdminAuthentication authentication, ILogger<AdminFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        try
        {
            var result = await authentication.AuthenticateAsync(http);
            if (result.Actor is not { } actor)
            {
                return result.RefusalStatus switch
                {
                    StatusCodes.Status403Forbidden => AdminProblems.NoAdminRights,
                    StatusCodes.Status503ServiceUnavailable => AdminProblems.Unavailable,
                    StatusCodes.Status429TooManyRequests => AdminProblems.Held(http, result.RetryAfterSeconds ?? 1),
                    _ => AdminProblems.Unauthenticated,
                };
            }

            actor.AttachTo(http);
            return await next(context);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
            return Results.Empty;
        }
        catch (BadHttpRequestException bad)
        {
            // The server refused the request itself (a body sent too slowly, a length it never delivered): its status.
            return TypedResults.Problem(statusCode: bad.StatusCode, detail: "The request could not be read.");
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            PolicyLog.AdminRequestFailed(logger, exception, http.Request.Method, (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText);
            return exception is DbException || exception.InnerException is DbException ? AdminProblems.Unavailable : AdminProblems.Failed;
        }
    }
}
