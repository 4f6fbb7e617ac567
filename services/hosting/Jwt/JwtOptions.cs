namespace AiMesh.Hosting.Jwt;

/// <summary>
/// One service's identity providers, bound from the section the service names (<see cref="JwtVerifiers.AddJwtVerifier"/>):
/// <c>Ingress:Jwt</c> for tokens on the OpenAI and Anthropic surfaces, <c>Policy:Admin:Jwt</c> for tokens on the admin
/// API. With no issuer configured the service takes every credential for a key, as before.
/// </summary>
public sealed class JwtOptions
{
    public List<JwtIssuerOptions> Issuers { get; set; } = [];

    /// <summary>
    /// The claim naming the user for every issuer that does not name its own (<see cref="JwtIssuerOptions.UserClaim"/>).
    /// Its default is the service's: <c>sub</c> at the ingress, <c>email</c> for the admin API.
    /// </summary>
    public string UserClaim { get; set; } = "sub";

    /// <summary>Tolerance on exp and nbf for clocks that disagree a little.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How old fetched JWKS keys may get before the next request starts a refresh (it does not wait for it).</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// At most one fetch per issuer in this interval on demand (a token whose <c>kid</c> is not cached, or nothing
    /// cached yet), so tokens with made-up key ids cannot make the service hammer the identity provider.
    /// </summary>
    public TimeSpan JwksMinRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A fetch is abandoned after this, and a request waits for one at most this long; it then goes on with the
    /// keys already cached (none cached: the service answers 503).
    /// </summary>
    public TimeSpan JwksTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
