using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Metrics;

/// <summary>The distributed mesh with the queue depths read every second, for one test class of its own (it stops metering).</summary>
public sealed class QueueDepthMesh : DistributedMesh
{
    protected override Task<Uri> StartMeshAsync(List<string> args)
    {
        args.Add("--Metrics:QueueDepthInterval=00:00:01");
        return base.StartMeshAsync(args);
    }
}
