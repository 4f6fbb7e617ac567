namespace AiMesh.Bench.StreamChannels.Report;

/// <summary>One channel's two phases in one round, with the machine's load average right after them.</summary>
internal sealed record ChannelRound(int Round, string Channel, PhaseResult Paced, PhaseResult BackToBack, string LoadAverage);
