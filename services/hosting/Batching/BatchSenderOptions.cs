namespace AiMesh.Hosting.Batching;

/// <summary>How one <see cref="BatchSender{T}"/> batches, and the names it reports under.</summary>
/// <param name="Name">Which sender (<c>usage</c>, <c>router reports</c>): named in its log lines.</param>
/// <param name="MeterName">The service's meter (<c>AiMesh.Ingress</c>, <c>AiMesh.Router</c>).</param>
/// <param name="MetricPrefix">Its instruments' prefix: <c>.sent</c>, <c>.batches</c>, <c>.send_failures</c>, <c>.lost</c>, <c>.pending</c> follow.</param>
/// <param name="Linger">How long items gather after the first before a batch leaves (never while stopping); zero sends at once.</param>
/// <param name="MaxBatch">At most this many items in one message.</param>
public sealed record BatchSenderOptions(string Name, string MeterName, string MetricPrefix, TimeSpan Linger, int MaxBatch = 256);
