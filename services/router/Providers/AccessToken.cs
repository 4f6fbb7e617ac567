namespace AiMesh.Router.Providers;

/// <summary>An OAuth access token an adapter obtained. A class with a redacted <c>ToString</c>, so no log or record printer shows it.</summary>
internal sealed class AccessToken(string value, DateTimeOffset refreshAt, DateTimeOffset expiresAt)
{
    /// <summary>When a new token is fetched, shortly before this one expires.</summary>
    public DateTimeOffset RefreshAt { get; } = refreshAt;

    /// <summary>When the token stops working; until then it still serves if a refresh fails.</summary>
    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public string Reveal() => value;

    public override string ToString() => "[redacted]";
}
