using System.Text;
using MassTransit;

namespace AiMesh.Bench.BareBus;

/// <summary>
/// Calls the same mock upstream as every other benchmark target, so the table's difference between this floor and
/// AiMesh is exactly what AiMesh adds on top of one bus round trip (policy, prompts, routing, metering, the saga).
/// </summary>
public sealed class CompleteChatConsumer(IHttpClientFactory httpClients) : IConsumer<CompleteChat>
{
    public const string UpstreamClient = "upstream";

    private static readonly Uri ChatCompletions = new("chat/completions", UriKind.Relative);

    public async Task Consume(ConsumeContext<CompleteChat> context)
    {
        using var content = new StringContent(context.Message.Body, Encoding.UTF8, "application/json");
        using var response = await httpClients.CreateClient(UpstreamClient)
            .PostAsync(ChatCompletions, content, context.CancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStringAsync(context.CancellationToken);
        await context.RespondAsync(new ChatCompleted(body));
    }
}
