using System.Collections.Concurrent;
using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Hosting;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AiMesh.Policy.Tests.Support;

/// <summary>
/// Metering's read side as a neighbour stub on the policy host's bus: it records every <see cref="QueryUsage"/> and
/// <see cref="ExportUsage"/> policy sends and answers a query with one row per value asked (value <c>*</c> when the
/// query named none), and an export with two lines whose text a spreadsheet would misread (for an organization's
/// export the first names its team <c>team-from-metering</c>, the second none). A <see cref="FindUsageRecord"/> is
/// answered from <see cref="Records"/> (none: metering holds no event for it). A <see cref="QueryShadowComparison"/> is
/// answered with three rows (shadow models <c>cand-a</c> … <c>cand-c</c>), or with an error when its model is
/// <see cref="BrokenModel"/>; a <see cref="QueryShadowResults"/> with one result of the comparison it names, more
/// following only its first page. A <see cref="QueryPromptStats"/> gets one row, version 1.
/// </summary>
internal sealed class MeteringStub : IMeshModule
{
    /// <summary>A model whose comparison metering refuses to answer (its error goes back to the caller as a 400).</summary>
    public const string BrokenModel = "model-metering-refuses";

    public ConcurrentQueue<object> Asked { get; } = new();

    /// <summary>The usage events metering "holds", by request id, for <see cref="FindUsageRecord"/>.</summary>
    public ConcurrentDictionary<Guid, RecordUsage> Records { get; } = new();

    public string Name => "metering-stub";

    public void ConfigureServices(IHostApplicationBuilder builder) => builder.Services.AddSingleton(this);

    public void ConfigureBus(IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<Answers>().Endpoint(e => e.Name = Endpoints.MeteringQueries);

    public void MapEndpoints(WebApplication app)
    {
    }

    private sealed class Answers(MeteringStub stub)
        : IConsumer<QueryUsage>, IConsumer<ExportUsage>, IConsumer<FindUsageRecord>, IConsumer<QueryShadowComparison>, IConsumer<QueryShadowResults>,
            IConsumer<QueryPromptStats>
    {
        public Task Consume(ConsumeContext<QueryPromptStats> context)
        {
            var ask = context.Message;
            stub.Asked.Enqueue(ask);
            var row = new PromptVersionStats("1", 4, 1, 0.25, 120, 100, 200, 40, 20, new Dictionary<string, decimal> { ["USD"] = 0.004m }, 2, 0.5);
            return context.RespondAsync(new PromptStatsReport(ask.RequestId, ask.PromptId, ask.From, ask.To, [row]));
        }

        public Task Consume(ConsumeContext<QueryShadowComparison> context)
        {
            stub.Asked.Enqueue(context.Message);
            if (context.Message.Model == BrokenModel)
            {
                return context.RespondAsync(new ShadowComparison(context.Message.RequestId, [], "metering cannot answer this."));
            }

            var rows = new[] { "cand-a", "cand-b", "cand-c" }
                .Select(shadow => new ShadowComparisonRow("gpt-4o", "gpt-4o", shadow, "USD", 4, 0, 1, 200, 210.5, 250, 260, 60, 30, 35, 24, 0.006m, 0.0016m, 3, 3, 2, 0.7))
                .ToList();
            return context.RespondAsync(new ShadowComparison(context.Message.RequestId, rows));
        }

        public Task Consume(ConsumeContext<QueryShadowResults> context)
        {
            var ask = context.Message;
            stub.Asked.Enqueue(ask);
            var at = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
            var result = new ShadowResult(
                Guid.NewGuid(), "key-from-metering", null, ask.OrganizationId, "chat.completions", ask.ModelRequested, ask.PrimaryModel, "d1", 200, 120, null, null,
                ask.ShadowModel, "d2", 200, null, 180, null, null, 0.5, at.AddSeconds(-1), at);
            return context.RespondAsync(new ShadowResultsPage(ask.RequestId, [result], ask.Offset == 0));
        }

        public Task Consume(ConsumeContext<FindUsageRecord> context)
        {
            stub.Asked.Enqueue(context.Message);
            var record = stub.Records.GetValueOrDefault(context.Message.UsageRequestId);
            var at = new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
            return context.RespondAsync(new UsageRecordFound(context.Message.RequestId, record, record is null ? null : at, record?.Bodies is null ? null : at));
        }

        public Task Consume(ConsumeContext<QueryUsage> context)
        {
            stub.Asked.Enqueue(context.Message);
            var rows = (context.Message.Values ?? ["*"]).Select(v => new UsageReportRow(v, null, "USD", 1, 0, 10, 5, 0, 0, 0.25m, 30, 90)).ToList();
            return context.RespondAsync(new UsageReport(context.Message.RequestId, rows));
        }

        public Task Consume(ConsumeContext<ExportUsage> context)
        {
            stub.Asked.Enqueue(context.Message);
            var team = context.Message.OrganizationId is null ? null : "team-from-metering";
            return context.RespondAsync(new UsageExport(context.Message.RequestId,
            [
                new UsageExportLine(new DateOnly(2026, 11, 23), "=HYPERLINK(\"x\")", 2, 100, 50, 0, 0, 0.000123456789m, "USD", ["v1", "v2"], team),
                new UsageExportLine(new DateOnly(2026, 11, 23), "key,\"quoted\"", 1, 7, 3, 0, 0, 0m, null, []),
            ]));
        }
    }
}
