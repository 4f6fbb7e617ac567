namespace AiMesh.Ingress.Authentication;

/// <summary>
/// The "Ingress:Jwt" section: identity providers whose bearer tokens the ingress accepts instead of an API key. With
/// no issuer configured every credential is an API key, as before.
/// </summary>
public sealed class JwtOptions
{
    public const string Section = "Ingress:Jwt";

    public List<JwtIssuerOptions> Issuers { get; set; } = [];

    /// <summary>Tolerance on exp and nbf for clocks that disagree a little.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How old fetched JWKS keys may get before the next request starts a refresh (it does not wait for it).</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// At most one fetch per issuer in this interval on demand (a token whose <c>kid</c> is not cached, or nothing
    /// cached yet), so tokens with made-up key ids cannot make the ingress hammer the identity provider.
    /// </summary>
    public TimeSpan JwksMinRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A fetch is abandoned after this, and a request waits for one at most this long; it then goes on with the
    /// keys already cached (none cached: 503 <c>identity_provider_unavailable</c>).
    /// </summary>
    public TimeSpan JwksTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
