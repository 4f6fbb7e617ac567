namespace AiMesh.Hosting.Jwt;

/// <summary>
/// Fetches an identity provider's JWKS with the verifier's own named HttpClient (<see cref="JwtVerifiers.ClientName"/>),
/// registered with <see cref="JwtOptions.JwksTimeout"/> as its timeout and <see cref="MaxBytes"/> as its largest answer.
/// </summary>
internal sealed class JwksClient(HttpClient http)
{
    /// <summary>A JWKS is a few keys; anything larger is not one.</summary>
    public const int MaxBytes = 256 * 1024;

    public Task<string> FetchAsync(Uri url, CancellationToken cancellationToken) => http.GetStringAsync(url, cancellationToken);
}
