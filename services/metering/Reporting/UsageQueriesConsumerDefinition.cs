using AiMesh.Contracts;
using MassTransit;

namespace AiMesh.Metering.Reporting;

/// <summary>
/// Queue <c>aimesh-metering-queries</c>, apart from usage so a backlog of records never delays an answer. No retry: the
/// asker waits with a timeout and answers 503 itself, and a read repeated later would answer nobody.
/// </summary>
internal sealed class UsageQueriesConsumerDefinition : ConsumerDefinition<UsageQueriesConsumer>
{
    public UsageQueriesConsumerDefinition()
    {
        Endpoint(e => e.Name = Endpoints.MeteringQueries);
    }
}
