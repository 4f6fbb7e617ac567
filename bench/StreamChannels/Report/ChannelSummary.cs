namespace AiMesh.Bench.StreamChannels.Report;

/// <summary>A channel's medians over rounds (lost and out-of-order chunks: totals over rounds).</summary>
internal sealed record ChannelSummary(string Channel, PhaseResult Paced, PhaseResult BackToBack);
