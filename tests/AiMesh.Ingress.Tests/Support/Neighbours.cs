using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Prompts;
using AiMesh.Contracts.Routing;
using MassTransit;

namespace AiMesh.Ingress.Tests.Support;

/// <summary>
/// The saga's neighbours (policy, prompts, router, metering) as scripts a test sets before it submits: each stub
/// records what it received and then runs its script, which may answer, fail, stay silent or wait for the test.
/// </summary>
internal sealed class Neighbours
{
    public const string Principal = "principal-7";
    public const string KeyId = "key-7";
    public const string Organization = "org-7";
    public const string Deployment = "deployment-a";
    public const string Provider = "openai";

    public Received<AuthorizeRequest> Authorizations { get; } = new();

    public Received<RenderPrompt> Renders { get; } = new();

    public Received<RouteCompletion> Routes { get; } = new();

    public Received<RecordUsage> Usage { get; } = new();

    public Func<ConsumeContext<AuthorizeRequest>, Task> Policy { get; set; } = Authorize;

    public Func<ConsumeContext<RenderPrompt>, Task> Prompts { get; set; } = Render;

    public Func<ConsumeContext<RouteCompletion>, Task> Router { get; set; } = Route;

    /// <summary>Admits, as the policy service does: a request that carries its route is sent on to the router.</summary>
    public static async Task Authorize(ConsumeContext<AuthorizeRequest> context)
    {
        if (context.Message.Route is { } route)
        {
            await RouteOnAsync(context, route);
            await context.RespondAsync(new RequestAuthorized(context.Message.RequestId, Principal, KeyId, null, "team-1", Routed: true, OrganizationId: Organization));
            return;
        }

        await AuthorizeOnly(context);
    }

    /// <summary>Admits without routing, as a policy service from before <see cref="AuthorizeRequest.Route"/> does.</summary>
    public static Task AuthorizeOnly(ConsumeContext<AuthorizeRequest> context) =>
        context.RespondAsync(new RequestAuthorized(context.Message.RequestId, Principal, KeyId, null, "team-1", OrganizationId: Organization));

    /// <summary>Sends the attached route to the router the way the policy service does: the saga's request id and answer address.</summary>
    public static async Task RouteOnAsync(ConsumeContext<AuthorizeRequest> context, RouteCompletion route)
    {
        var router = await context.GetSendEndpoint(Endpoints.RouterAddress);
        await router.Send(route with { PrincipalId = Principal }, send =>
        {
            send.RequestId = context.RequestId;
            send.ResponseAddress = context.ResponseAddress;
            send.FaultAddress = context.FaultAddress ?? context.ResponseAddress;
        });
    }

    /// <summary>Renders by prefixing a marker message, so a test can tell the rendered body from the client's.</summary>
    public static Task Render(ConsumeContext<RenderPrompt> context) =>
        context.RespondAsync(new PromptRendered(context.Message.RequestId, RenderedBody, "greeting", "3"));

    public const string RenderedBody = """{"model":"gpt-4o-mini","messages":[{"role":"system","content":"rendered"},{"role":"user","content":"hi"}]}""";

    public static Task Route(ConsumeContext<RouteCompletion> context) =>
        context.RespondAsync(Routed(context.Message, """{"id":"chatcmpl-1","object":"chat.completion"}""", 0));

    public static CompletionRouted Routed(RouteCompletion request, string? body, int chunkCount) =>
        new(request.RequestId, 200, body, chunkCount, Deployment, Provider, 1, new TokenUsage(11, 7), 42.5);

    /// <summary>A router that streams <paramref name="count"/> chunks to the stream address, then answers.</summary>
    public static Func<ConsumeContext<RouteCompletion>, Task> Stream(int count) => async context =>
    {
        var request = context.Message;
        var endpoint = await context.GetSendEndpoint(request.StreamAddress!);
        for (var i = 0; i < count; i++)
        {
            await endpoint.Send(new CompletionChunk(request.RequestId, i, $$"""{"n":{{i}}}"""));
        }

        await context.RespondAsync(Routed(request, null, count));
    };

    /// <summary>A script that waits for <paramref name="gate"/> before running <paramref name="then"/>.</summary>
    public static Func<ConsumeContext<T>, Task> After<T>(Task gate, Func<ConsumeContext<T>, Task> then)
        where T : class =>
        async context =>
        {
            await gate.WaitAsync(TimeSpan.FromSeconds(30));
            await then(context);
        };

    /// <summary>Receives and never answers.</summary>
    public static Task Silent<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    /// <summary>Throws, so the bus answers the requester with a <see cref="Fault{T}"/>.</summary>
    public static Task Throw<T>(ConsumeContext<T> context)
        where T : class => throw new InvalidOperationException("stub failure");
}
