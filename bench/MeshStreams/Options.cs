using System.Globalization;

namespace AiMesh.Bench.MeshStreams;

/// <summary>Command line: <c>--mode paced|burst --url U --key K --model M [--format openai|anthropic] [--streams N] [--connections C] [--seconds S]</c>.</summary>
internal sealed record Options(string Mode, Uri Url, string Key, string Model, bool Anthropic, int Streams, int Connections, double Seconds)
{
    public string Body => Anthropic
        ? $$"""{"model":"{{Model}}","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":"count"}]}"""
        : $$"""{"model":"{{Model}}","stream":true,"messages":[{"role":"user","content":"count"}]}""";

    public static Options Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            map[args[i].TrimStart('-')] = args[i + 1];
        }

        string Get(string name, string? fallback = null) =>
            map.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required");

        return new Options(
            Get("mode"),
            new Uri(Get("url")),
            Get("key"),
            Get("model"),
            Get("format", "openai") == "anthropic",
            int.Parse(Get("streams", "10"), CultureInfo.InvariantCulture),
            int.Parse(Get("connections", "16"), CultureInfo.InvariantCulture),
            double.Parse(Get("seconds", "5"), CultureInfo.InvariantCulture));
    }
}
