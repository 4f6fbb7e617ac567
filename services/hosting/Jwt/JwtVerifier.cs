using System.Collections.Frozen;
using AiMesh.Contracts.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AiMesh.Hosting.Jwt;

/// <summary>
/// Checks a bearer token from a configured identity provider: the header's algorithm (RS256 or ES256 only), the
/// issuer (one configured exactly), the signature against that issuer's keys, the audience, exp (required) and nbf
/// with <see cref="JwtOptions.ClockSkew"/>, and the user claim. It answers with the claims mapped to a
/// <see cref="VerifiedPrincipal"/>, or with a reason for the log; the token itself is never logged or kept.
/// <para>
/// One instance per configuration section (<see cref="JwtVerifiers.AddJwtVerifier"/>): the ingress's for API tokens,
/// policy's for the admin API. Each has its own issuers, options and JWKS caches, so both run side by side in the
/// embedded process without sharing anything but the code.
/// </para>
/// </summary>
public sealed class JwtVerifier
{
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };
    private readonly FrozenDictionary<string, JwtIssuer> issuers;
    private readonly JwtOptions options;

    internal JwtVerifier(string section, JwtOptions options, Func<JwksClient> client, TimeProvider time, ILogger logger)
    {
        this.options = options;
        issuers = options.Issuers.ToFrozenDictionary(
            i => i.Issuer, i => Build(i, section, client, options, time, logger), StringComparer.Ordinal);
    }

    public bool IsConfigured => issuers.Count > 0;

    /// <summary>The configured issuer of that exact <c>iss</c>, or null.</summary>
    public JwtIssuerOptions? IssuerOptions(string? issuer) =>
        issuer is not null && issuers.TryGetValue(issuer, out var found) ? found.Options : null;

    /// <summary>Starts fetching every JWKS now, without waiting: an identity provider that is down does not hold up the start.</summary>
    public void Prefetch()
    {
        foreach (var issuer in issuers.Values)
        {
            issuer.Prefetch();
        }
    }

    public async Task<JwtVerification> VerifyAsync(string token, CancellationToken cancellationToken)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return JwtVerification.Refused("malformed");
        }

        // Checked before anything else, so neither an alg:none nor an HS256 token ever reaches a key (or a JWKS fetch).
        if (!SigningKeys.Algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            return JwtVerification.Refused("algorithm_not_allowed");
        }

        if (!issuers.TryGetValue(jwt.Issuer ?? "", out var issuer))
        {
            return JwtVerification.Refused("unknown_issuer");
        }

        var keys = await issuer.KeysAsync(jwt.Kid, cancellationToken);
        if (keys is null)
        {
            return new JwtVerification(null, "keys_unavailable", Unavailable: true);
        }

        var result = await handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = issuer.Options.Issuer,
            ValidAudiences = issuer.Options.Audiences,
            IssuerSigningKeys = keys,
            ValidAlgorithms = SigningKeys.Algorithms,
            ClockSkew = options.ClockSkew,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = false,
            TryAllIssuerSigningKeys = true,
            RequireAudience = true,
        });
        if (!result.IsValid)
        {
            return JwtVerification.Refused(Reason(result.Exception));
        }

        return Map(jwt, issuer.Options, issuer.Options.UserClaim ?? options.UserClaim);
    }

    private static JwtVerification Map(JsonWebToken jwt, JwtIssuerOptions issuer, string userClaim)
    {
        var user = Values(jwt, userClaim).FirstOrDefault();
        if (string.IsNullOrWhiteSpace(user))
        {
            return JwtVerification.Refused("user_claim_missing");
        }

        var team = issuer.TeamClaim is { } teamClaim ? Values(jwt, teamClaim).FirstOrDefault() : null;
        var roles = issuer.RoleClaim is { } roleClaim ? Values(jwt, roleClaim) : [];
        var mapped = issuer.RoleMap.Count == 0
            ? roles.Distinct(StringComparer.Ordinal).ToArray()
            : roles.Select(r => issuer.RoleMap.GetValueOrDefault(r)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        return new JwtVerification(new VerifiedPrincipal("jwt", jwt.Issuer, user, string.IsNullOrWhiteSpace(team) ? null : team, mapped), null);
    }

    /// <summary>Every value of a claim: one for a string, one per element for an array.</summary>
    private static string[] Values(JsonWebToken jwt, string claim) =>
        [.. jwt.Claims.Where(c => string.Equals(c.Type, claim, StringComparison.Ordinal)).Select(c => c.Value)];

    /// <summary>A short, fixed reason per failure (the exception's text can quote the token's contents).</summary>
    private static string Reason(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "expired",
        SecurityTokenNotYetValidException => "not_yet_valid",
        SecurityTokenNoExpirationException => "no_expiry",
        SecurityTokenInvalidLifetimeException => "invalid_lifetime",
        SecurityTokenInvalidAudienceException => "wrong_audience",
        SecurityTokenInvalidIssuerException => "wrong_issuer",
        SecurityTokenInvalidAlgorithmException => "algorithm_not_allowed",
        SecurityTokenSignatureKeyNotFoundException => "unknown_key",
        SecurityTokenInvalidSignatureException => "bad_signature",
        SecurityTokenMalformedException => "malformed",
        _ => "invalid",
    };

    private static JwtIssuer Build(JwtIssuerOptions issuer, string section, Func<JwksClient> client, JwtOptions options, TimeProvider time, ILogger logger)
    {
        if (issuer.JwksUrl is { } url)
        {
            return new JwtIssuer(issuer, null, new JwksKeySource(url, client, options, time, logger, section));
        }

        // The validator refused unreadable keys at start, so every one parses here.
        return new JwtIssuer(issuer, [.. issuer.Keys.Select(k => SigningKeys.Parse(k).Key!)], null);
    }
}
