namespace AiMesh.Router.Configuration;

/// <summary>The four clocks of a provider call. The total is further capped by the request's own deadline.</summary>
internal sealed class RouterTimeoutOptions
{
    /// <summary>TCP (and TLS) connection establishment.</summary>
    public TimeSpan Connect { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Until the response headers arrive, and for a stream until its first event.</summary>
    public TimeSpan FirstByte { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest wait for any bytes between two reads once an answer is flowing.</summary>
    public TimeSpan Idle { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The whole call, from sending the request to the last byte.</summary>
    public TimeSpan Total { get; set; } = TimeSpan.FromMinutes(10);
}
