using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;

namespace AiMesh.Router.Tests.Support;

/// <summary>Every message the bus sent, published or consumed, serialized with its headers, for leak checks.</summary>
internal sealed class MessageTap : ISendObserver, IPublishObserver, IConsumeObserver
{
    private readonly ConcurrentQueue<string> seen = new();

    public IReadOnlyCollection<string> Seen => seen;

    public Task PreSend<T>(SendContext<T> context) where T : class => Record(context.Message, context.Headers);

    public Task PostSend<T>(SendContext<T> context) where T : class => Task.CompletedTask;

    public Task SendFault<T>(SendContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    public Task PrePublish<T>(PublishContext<T> context) where T : class => Record(context.Message, context.Headers);

    public Task PostPublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Record(context.Message, context.Headers);

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    private Task Record<T>(T message, Headers headers)
    {
        var headerText = string.Join("\n", headers.GetAll().Select(h => $"{h.Key}: {h.Value}"));
        seen.Enqueue(typeof(T).Name + " " + JsonSerializer.Serialize(message) + "\n" + headerText);
        return Task.CompletedTask;
    }
}
