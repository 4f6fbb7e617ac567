using System.Collections.Concurrent;
using AiMesh.Contracts;
using AiMesh.Contracts.Integration;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Routing;
using AiMesh.Hosting;
using MassTransit;

namespace AiMesh.EndToEnd.Tests.Bus;

/// <summary>Request-path messages are sent non-persistent; usage and integration events stay persistent.</summary>
public sealed class MessageDurabilityTests
{
    [Fact]
    public void Every_request_path_contract_is_transient_and_usage_is_not()
    {
        var transient = typeof(TransientMessageAttribute).Assembly.GetTypes()
            .Where(t => t.IsDefined(typeof(TransientMessageAttribute), false))
            .Select(t => t.Name)
            .Order(StringComparer.Ordinal);

        Assert.Equal(
            ["AuthorizeRequest", "ChainDeleted", "ChainFound", "CompletionAbandoned", "CompletionChunk", "CompletionFailed", "CompletionRouted", "CountTokens",
             "CreatePrompt", "DeleteChain", "DeletePromptApi", "DeploymentHealthListed", "DiffPromptVersions", "ExportUsage", "FeedbackRecorded", "FeedbackRefused",
             "FindUsageRecord", "GetChain", "GetPrompt", "GetPromptApi", "GetProviderCredentials", "ListDeploymentHealth", "ListModels", "ListPromptApiPage", "ListPromptApis", "ListPrompts",
             "ModelsListed", "MovePromptLabel", "PreviewPrompt", "PromptApiFound", "PromptApiPageListed", "PromptApisListed", "PromptFound", "PromptLabelMoved", "PromptPreviewed",
             "PromptRenderFailed", "PromptRendered", "PromptRequestFailed", "PromptSplitSet", "PromptStatsReport", "PromptVersionPublished", "PromptVersionsDiffed",
             "PromptsListed", "ProviderCredentialsListed", "PublishPromptVersion", "QueryPromptStats", "QueryShadowComparison", "QueryShadowResults", "QueryUsage",
             "RecordFeedback", "RenderPrompt", "RequestAuthorized", "RequestDenied", "RouteCompletion", "SaveChain", "SetPromptApi", "SetPromptSplit",
             "ShadowComparison", "ShadowResultsPage", "TokensCounted", "UsageExport", "UsageRecordFound", "UsageReport"],
            transient);
        Assert.False(typeof(RecordUsage).IsDefined(typeof(TransientMessageAttribute), false));
        Assert.False(typeof(UsageMetered).IsDefined(typeof(TransientMessageAttribute), false));
    }

    [Fact]
    public async Task The_mesh_bus_sends_transient_contracts_non_persistent_and_the_rest_persistent()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.AddMeshBus([]);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBus>();
            var observer = new DurabilityObserver();
            using var _ = new ObserverHandle(bus.ConnectSendObserver(observer));
            using var __ = new ObserverHandle(bus.ConnectPublishObserver(observer));
            var endpoint = await bus.GetSendEndpoint(new Uri("queue:durability-test"));

            await endpoint.Send(new AuthorizeRequest(Guid.NewGuid(), "hash", "chat.completions", "m", null));
            await endpoint.Send(new RecordUsage(Guid.NewGuid(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "p", "k", "chat.completions", "m",
                null, null, 0, "ok", 200, null, null, 1, null, false, null, null, null, null, null));
            await bus.Publish(new CompletionAbandoned(Guid.NewGuid(), "test"));

            Assert.Equal(
                [(nameof(AuthorizeRequest), false), (nameof(CompletionAbandoned), false), (nameof(RecordUsage), true)],
                observer.Durable.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => (x.Key, x.Value)));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private sealed class ObserverHandle(ConnectHandle handle) : IDisposable
    {
        public void Dispose() => handle.Disconnect();
    }

    private sealed class DurabilityObserver : ISendObserver, IPublishObserver
    {
        public ConcurrentDictionary<string, bool> Durable { get; } = new();

        public Task PreSend<T>(SendContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostSend<T>(SendContext<T> context)
            where T : class
        {
            Durable[typeof(T).Name] = context.Durable;
            return Task.CompletedTask;
        }

        public Task SendFault<T>(SendContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;

        public Task PrePublish<T>(PublishContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostPublish<T>(PublishContext<T> context)
            where T : class
        {
            Durable[typeof(T).Name] = context.Durable;
            return Task.CompletedTask;
        }

        public Task PublishFault<T>(PublishContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }
}
