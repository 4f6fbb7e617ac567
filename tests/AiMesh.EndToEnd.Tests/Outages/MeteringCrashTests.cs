using Xunit.Abstractions;

namespace AiMesh.EndToEnd.Tests.Outages;

/// <summary>
/// Issue 5: the metering service killed mid-batch under steady load, and a new one started on the same database and
/// virtual host: every admitted request still has exactly one usage event, 0 lost, 0 duplicated.
/// <para>
/// The crash, in one test process: metering's connections to the broker and to PostgreSQL are reset at once (their
/// proxies cut), which is what the broker and the database see when a process dies. The broker hands every delivery
/// that was not acknowledged back to the queue; a transaction the database had not committed is rolled back; one it
/// had committed stays while its acknowledgement is lost, so its records are delivered again (the duplicates the unique
/// request id must refuse). Nothing is flushed: the old host never reaches either again and is only disposed after.
/// What is not a real crash: that host's threads run on until disposed, but with no connection left they change nothing.
/// </para>
/// </summary>
[Collection(OutageCollection.Name)]
public sealed class MeteringCrashTests(OutageMesh mesh, ITestOutputHelper output)
{
    [Fact]
    public async Task Metering_killed_mid_batch_under_load_and_restarted_loses_and_duplicates_no_usage_event()
    {
        var faultedBefore = await mesh.MessagesAsync("aimesh-metering_error");
        await using var load = SteadyLoad.Start(mesh, 8, "metering crash");

        // Mid-batch: under this load metering is always storing something; wait until it has stored some of this test's.
        await Eventually.TrueAsync(() => Task.FromResult(load.Answered("before") >= 40), "40 answers before the crash");

        mesh.MeteringBroker.Cut();
        mesh.MeteringDatabase.Cut();
        load.Phase = "down";
        await mesh.StopMeteringAsync();
        await Eventually.TrueAsync(async () => await mesh.MessagesAsync("aimesh-metering") > 0, "usage waiting for the next metering host");
        await Eventually.TrueAsync(() => Task.FromResult(load.Answered("down") >= 40), "40 answers while metering is down");

        mesh.MeteringDatabase.Restore();
        mesh.MeteringBroker.Restore();
        await mesh.StartMeteringAsync();
        load.Phase = "after";
        await Eventually.TrueAsync(() => Task.FromResult(load.Answered("after") >= 16), "16 answers after the restart");
        var calls = await load.StopAsync();

        await ExactlyOnce.AssertAsync(mesh, calls, output);
        Assert.Equal(faultedBefore, await mesh.MessagesAsync("aimesh-metering_error"));
    }
}
