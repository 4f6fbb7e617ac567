using System.ComponentModel.DataAnnotations;

namespace AiMesh.Bench.StreamChannels.Producer;

/// <summary>The "Bench" section of the driver: what to run and where the consumer is. bench/streams.sh sets it.</summary>
internal sealed class DriverOptions
{
    public const string Section = "Bench";

    /// <summary>The consumer's base URL (control API and direct stream endpoint).</summary>
    [Required]
    public Uri? Consumer { get; set; }

    /// <summary>Chunks per stream (a 200-token answer).</summary>
    [Range(1, 100_000)]
    public int Chunks { get; set; } = 200;

    [Range(1, 1_000)]
    public int Rounds { get; set; } = 5;

    /// <summary>Streams per paced phase, each chunk at least <see cref="PaceMilliseconds"/> after the previous.</summary>
    [Range(1, 10_000)]
    public int PacedStreams { get; set; } = 5;

    /// <summary>How long a back-to-back phase sends streams, each chunk as soon as the previous send completed. Long
    /// enough that /proc's 10 ms CPU ticks are a small error.</summary>
    [Range(0.1, 600)]
    public double BurstSeconds { get; set; } = 3;

    /// <summary>Back-to-back seconds per channel before the first round (JIT tiering, connections, queues), then one paced phase; not measured.</summary>
    [Range(0, 600)]
    public double WarmupSeconds { get; set; } = 5;

    [Range(0.1, 1_000)]
    public double PaceMilliseconds { get; set; } = 5;

    /// <summary>The unit of /proc/&lt;pid&gt;/stat's CPU times (<c>getconf CLK_TCK</c>).</summary>
    [Range(1, 100_000)]
    public int ClockTicksPerSecond { get; set; } = 100;

    /// <summary>Every process of this user is the broker (RabbitMQ's Erlang VM and helpers), as in bench/lib/cputime.py.</summary>
    [Required]
    public string BrokerUser { get; set; } = "rabbitmq";

    /// <summary>The run's name in the report (the script's time stamp, so table, JSON and logs agree); now when empty.</summary>
    public string? Stamp { get; set; }

    /// <summary>Where the JSON report goes; none when empty.</summary>
    public string? Results { get; set; }

    /// <summary>For the report only: the broker's version and the tree's commit, as the script found them.</summary>
    public string? BrokerVersion { get; set; }

    public string? Commit { get; set; }
}
