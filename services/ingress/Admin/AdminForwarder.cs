using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Admin;

/// <summary>
/// Forwards <c>/admin/*</c> over HTTP to the service that owns it (<see cref="AdminRoutes"/>): the request body is
/// streamed, not buffered; the status, headers and body come back as they are, minus hop-by-hop headers; no
/// redirect is followed; the whole call has a deadline (<see cref="AdminForwardingOptions.AdminTimeout"/>). The
/// client's address goes in <c>X-Forwarded-For</c>, set here and only here: whatever the client sent in that
/// header is dropped. The admin credential travels only on this HTTP hop, never on the bus.
/// </summary>
internal sealed class AdminForwarder(IHttpClientFactory clients, IOptions<AdminForwardingOptions> options, ILogger<AdminForwarder> logger)
{
    public const string HttpClientName = "aimesh-admin-upstream";

    // RFC 9110 §7.6.1 plus the de-facto ones; Host is the upstream's own.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Host", "X-Forwarded-For",
    };

    public async Task ForwardAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var settings = options.Value;
        if (AdminRoutes.UpstreamOf(http.Request.Path, settings) is not { } upstream)
        {
            await WriteProblemAsync(http, StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "Administration is not configured on this ingress (Ingress:AdminUpstream).");
            return;
        }

        using var message = new HttpRequestMessage(new HttpMethod(http.Request.Method), new Uri(upstream, http.Request.Path + http.Request.QueryString));
        if (HasBody(http.Request))
        {
            message.Content = new StreamContent(http.Request.Body);
        }

        foreach (var (name, values) in http.Request.Headers)
        {
            if (HopByHop.Contains(name) || name.StartsWith(':'))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        if (http.Connection.RemoteIpAddress is { } client)
        {
            message.Headers.TryAddWithoutValidation("X-Forwarded-For", (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString());
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        deadline.CancelAfter(settings.AdminTimeout);
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(HttpClientName).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (OperationCanceledException)
        {
            IngressLog.AdminUpstreamTimedOut(logger, http.Request.Method);
            await WriteProblemAsync(http, StatusCodes.Status504GatewayTimeout, "Gateway Timeout", "The admin service did not answer in time.");
            return;
        }
        catch (HttpRequestException failure)
        {
            IngressLog.AdminUpstreamFailed(logger, failure, http.Request.Method);
            await WriteProblemAsync(http, StatusCodes.Status502BadGateway, "Bad Gateway", "The admin service is not reachable.");
            return;
        }

        using (response)
        {
            http.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(name))
                {
                    http.Response.Headers[name] = values.ToArray();
                }
            }

            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
                await body.CopyToAsync(http.Response.Body, deadline.Token);
            }
            catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
            {
                // The status is already sent: the client sees a cut body, never a complete-looking one.
                IngressLog.AdminUpstreamTimedOut(logger, http.Request.Method);
                http.Abort();
            }
            catch (HttpRequestException failure)
            {
                IngressLog.AdminUpstreamFailed(logger, failure, http.Request.Method);
                http.Abort();
            }
        }
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static Task WriteProblemAsync(HttpContext http, int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(http);
}
