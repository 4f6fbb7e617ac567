using AiMesh.Bench.StreamChannels.Consumer;
using AiMesh.Bench.StreamChannels.Producer;

namespace AiMesh.Bench.StreamChannels;

/// <summary>
/// One executable in two roles, each its own OS process: <c>consume</c> stands for the ingress (a temporary bus
/// endpoint for <c>CompletionChunk</c> and a Kestrel endpoint for direct streams), <c>drive</c> stands for the router
/// (sends the chunks both ways, runs the rounds, reports). bench/streams.sh starts both.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage: AiMesh.Bench.StreamChannels consume --urls http://127.0.0.1:9400 [--Bus:...]
               AiMesh.Bench.StreamChannels drive --Bench:Consumer=http://127.0.0.1:9400/ [--Bench:...] [--Bus:...]
        (bench/streams.sh runs both with the right settings)
        """;

    public static async Task<int> Main(string[] args)
    {
        var role = args.Length > 0 ? args[0] : "";
        var rest = args.Length > 0 ? args[1..] : [];
        switch (role)
        {
            case "consume":
                await ConsumerHost.RunAsync(rest);
                return 0;
            case "drive":
                return await DriverHost.RunAsync(rest);
            default:
                await Console.Error.WriteLineAsync(Usage);
                return 2;
        }
    }
}
