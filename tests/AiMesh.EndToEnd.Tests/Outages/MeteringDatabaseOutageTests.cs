using Xunit.Abstractions;

namespace AiMesh.EndToEnd.Tests.Outages;

/// <summary>
/// Issue 5: metering's database unreachable for 30 s under steady load, then back. Clients notice nothing, usage
/// waits on the durable queue meanwhile (never in the error queue), and afterwards every admitted request has exactly
/// one usage event: 0 lost, 0 duplicated. The database is "stopped" by the proxy between metering and PostgreSQL,
/// which resets every connection and refuses new ones; the server itself serves the other tests throughout.
/// </summary>
[Collection(OutageCollection.Name)]
public sealed class MeteringDatabaseOutageTests(OutageMesh mesh, ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_30_s_database_outage_under_load_loses_and_duplicates_no_usage_event()
    {
        var faultedBefore = await mesh.MessagesAsync("aimesh-metering_error");
        await using var load = SteadyLoad.Start(mesh, 8, "database outage");
        await Eventually.TrueAsync(() => Task.FromResult(load.Answered("before") >= 16), "16 answers before the outage");

        mesh.MeteringDatabase.Cut();
        load.Phase = "outage";
        var cut = DateTime.UtcNow;

        // The records wait in metering's queue (ready, or delivered and held by a retry) while nothing can be stored.
        var waiting = await Eventually.TrueAsync(async () => await mesh.MessagesAsync("aimesh-metering") > 0, "usage waiting in aimesh-metering");
        await Task.Delay(Outage - (DateTime.UtcNow - cut) is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
        var waitingAtTheEnd = await mesh.MessagesAsync("aimesh-metering");

        mesh.MeteringDatabase.Restore();
        load.Phase = "after";
        await Eventually.TrueAsync(() => Task.FromResult(load.Answered("after") >= 16), "16 answers after the outage");
        var calls = await load.StopAsync();

        Assert.True(waiting, "usage records waited in aimesh-metering during the outage");
        output.WriteLine($"{waitingAtTheEnd} messages in aimesh-metering at the end of the outage");
        Assert.True(calls.Count(c => c.Phase == "outage" && c.Status == 200) >= 8, "requests were answered during the outage");
        await ExactlyOnce.AssertAsync(mesh, calls, output);

        // Nothing went to the error queue: an outage is waited out, not faulted away to be moved back by hand.
        Assert.Equal(faultedBefore, await mesh.MessagesAsync("aimesh-metering_error"));
    }
}
