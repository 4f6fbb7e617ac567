using System.Data.Common;
using AiMesh.Metering.Storage;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Metering.Recording;

/// <summary>
/// How reliably an endpoint that writes to the metering store consumes: the one retry filter and kill switch, for the
/// usage records (<see cref="RecordUsageConsumerDefinition"/>) and the routers' reports
/// (<see cref="RecordRouterReportsConsumerDefinition"/>) alike.
/// </summary>
internal static class StoreReliability
{
    public static void Configure(IReceiveEndpointConfigurator endpoint)
    {
        // One retry filter decides (MassTransit does not nest two: an inner retry's failure is not retried again outside).
        // A store that cannot be reached (StoreOutage: connection refused or reset, a timeout, a deadlock, a failover) is
        // waited out, however long: the message stays delivered and unacknowledged (a crash of this process hands it back
        // to the queue), is tried again at 0.2 s, 0.6 s, 1.4 s, 3 s, then every 5 s, and is stored as soon as the database
        // answers. The endpoint's concurrency bounds what is held; the rest waits in the queue. Before, every failure had 4
        // retries (under 4 s), so the records in flight when the database went away went to the error queue, to be moved
        // back by hand: 2,212 of 2,553 in a 30 s outage under load (MeteringDatabaseOutageTests); the kill switch did not
        // stop it, since EF Core wraps a transient failure in an InvalidOperationException its filter does not count.
        // Anything else (a record that can never be stored, a database that refuses the statement) is not retried: it
        // faults at once, and the kill switch below counts the database's refusals.
        endpoint.UseMessageRetry(retry =>
        {
            retry.Handle<Exception>(StoreOutage.IsTransient);
            retry.Exponential(int.MaxValue, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200));
        });

        // Trips when, after at least 10 messages in the last minute, 15% or more faulted on the store; only
        // database failures count, so a burst of malformed records cannot pause metering.
        endpoint.UseKillSwitch(killSwitch => killSwitch
            .SetActivationThreshold(10)
            .SetTripThreshold(15)
            .SetTrackingPeriod(TimeSpan.FromMinutes(1))
            .SetRestartTimeout(TimeSpan.FromSeconds(30))
            .SetExceptionFilter(filter =>
            {
                filter.Handle<DbException>();
                filter.Handle<DbUpdateException>();
                filter.Handle<MeteringStoreUnavailableException>();
                filter.Handle<TimeoutException>();
            }));
    }
}
