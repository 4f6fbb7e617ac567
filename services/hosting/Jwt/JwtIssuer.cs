using Microsoft.IdentityModel.Tokens;

namespace AiMesh.Hosting.Jwt;

/// <summary>One configured issuer with its key source: static keys, or a <see cref="JwksKeySource"/>.</summary>
internal sealed class JwtIssuer(JwtIssuerOptions options, IReadOnlyList<SecurityKey>? staticKeys, JwksKeySource? jwks)
{
    public JwtIssuerOptions Options { get; } = options;

    public void Prefetch() => jwks?.Prefetch();

    public ValueTask<IReadOnlyList<SecurityKey>?> KeysAsync(string? keyId, CancellationToken cancellationToken) =>
        jwks is null ? ValueTask.FromResult(staticKeys) : jwks.GetAsync(keyId, cancellationToken);
}
