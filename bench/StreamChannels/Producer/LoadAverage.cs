namespace AiMesh.Bench.StreamChannels.Producer;

/// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg: how busy the shared machine was.</summary>
internal static class LoadAverage
{
    public static string Read() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
