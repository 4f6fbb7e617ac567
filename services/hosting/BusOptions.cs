using System.ComponentModel.DataAnnotations;

namespace AiMesh.Hosting;

/// <summary>The "Bus" configuration section. Only configuration differs between the embedded and distributed modes.</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    /// <summary><c>InMemory</c> (embedded, one process) or <c>RabbitMq</c> (distributed).</summary>
    [Required]
    public BusTransport Transport { get; set; } = BusTransport.InMemory;

    public RabbitMqOptions RabbitMq { get; set; } = new();

    /// <summary>Messages each receive endpoint fetches ahead; also its concurrency limit.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 64;
}

public enum BusTransport
{
    InMemory,
    RabbitMq,
}

public sealed class RabbitMqOptions
{
    public string Host { get; set; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    public string VirtualHost { get; set; } = "/";

    public string Username { get; set; } = "guest";

    /// <summary>From the environment (<c>Bus__RabbitMq__Password</c>) in deployments, never from a committed file.</summary>
    public string Password { get; set; } = "guest";
}
