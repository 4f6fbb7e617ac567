namespace AiMesh.Bench.StreamChannels.Report;

/// <summary>
/// CPU seconds of the three processes a chunk passes through (the broker only on the bus), and the bytes the
/// producer's TCP sockets sent and the consumer's received.
/// </summary>
internal sealed record ProcessUsage(double Producer, double Consumer, double Broker, long ProducerSent, long ConsumerReceived);
