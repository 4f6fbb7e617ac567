using AiMesh.Hosting.Jwt;
using AiMesh.Hosting.Security;
using AiMesh.Ingress.Http;
using AiMesh.Ingress.OpenAi;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Authentication;

/// <summary>
/// Finds the request's credential and checks what the ingress checks itself. In order:
/// <list type="number">
/// <item>Client certificates on (<see cref="ClientCertificateMode.Allow"/> or <see cref="ClientCertificateMode.Require"/>)
/// and one presented: the certificate is the credential, and the request's headers are not read for one. The
/// connection decides, so which credential is billed never depends on a header a client may send by habit (the
/// OpenAI SDK always sends an API key). Required and none presented: 401.</item>
/// <item>Else the header credential (<see cref="ClientCredential"/>): a JWT when issuers are configured and it has a
/// JWT's shape, checked here; anything else is an API key, hashed for policy.</item>
/// </list>
/// Every refused token or certificate gets <see cref="ClientCredential.Invalid"/>, the very 401 of an unknown key,
/// and a log line with the reason; the credential itself is never logged. The one other answer: a JWT whose issuer's
/// keys are not cached and cannot be fetched in time gets 503 <c>identity_provider_unavailable</c> (the token may well
/// be valid; the client should retry, not discard it). On an API key's path nothing completes asynchronously, so the
/// <see cref="ValueTask"/> allocates no task there.
/// <para>
/// Refused tokens and certificates count against their address (<see cref="IngressOptions.FailedAttempts"/>), as
/// policy counts refused keys: once the address reached the limit in a window, every token or certificate it presents
/// is answered 429 <c>too_many_failed_attempts</c> with Retry-After until the window ends, valid ones included, and
/// none is verified meanwhile (verifying costs a signature check, or a JWKS fetch for an unknown key id). A missing
/// certificate where one is required is not a guess and is not counted.
/// </para>
/// </summary>
internal sealed class CallerAuthentication(
    [FromKeyedServices(CallerAuthentication.JwtSection)] JwtVerifier jwt,
    ClientCertificateVerifier certificates,
    IOptions<IngressOptions> options,
    TimeProvider time,
    ILogger<CallerAuthentication> logger)
{
    /// <summary>The section of the ingress's identity providers, and the key of its <see cref="JwtVerifier"/>.</summary>
    public const string JwtSection = "Ingress:Jwt";

    private readonly FailedAttempts failures = new(options.Value.FailedAttempts, time);

    public async ValueTask<Caller> AuthenticateAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (certificates.Mode != ClientCertificateMode.Off)
        {
            if (http.Connection.ClientCertificate is { } certificate)
            {
                var address = AddressOf(http);
                if (Held(address) is { } held)
                {
                    return held;
                }

                var (principal, failure) = certificates.Verify(certificate);
                if (principal is null)
                {
                    failures.Failed(address);
                    AuthenticationLog.CertificateRefused(logger, failure!);
                    return Caller.Refused(ClientCredential.Invalid);
                }

                return new Caller("", principal, null);
            }

            if (certificates.Mode == ClientCertificateMode.Require)
            {
                AuthenticationLog.CertificateRefused(logger, "none_presented");
                return Caller.Refused(ClientCredential.Invalid);
            }
        }

        var (secret, error) = ClientCredential.Read(http.Request);
        if (secret is null)
        {
            return Caller.Refused(error!);
        }

        if (!jwt.IsConfigured || !JwtShape.Matches(secret))
        {
            return new Caller(ClientCredential.Hash(secret), null, null);
        }

        // Read only here and for certificates: an API key's request (the hot path) is counted by policy, not here.
        var tokenAddress = AddressOf(http);
        if (Held(tokenAddress) is { } heldToken)
        {
            return heldToken;
        }

        var verified = await jwt.VerifyAsync(secret, http.RequestAborted);
        if (verified.Principal is { } jwtPrincipal)
        {
            return new Caller("", jwtPrincipal, null);
        }

        AuthenticationLog.TokenRefused(logger, verified.Failure!);
        if (verified.Unavailable)
        {
            return Caller.Refused(ApiError.Unavailable("identity_provider_unavailable"));
        }

        failures.Failed(tokenAddress);
        return Caller.Refused(ClientCredential.Invalid);
    }

    private static string? AddressOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();

    private Caller? Held(string? address)
    {
        if (failures.HeldFor(address) is not { } retryAfter)
        {
            return null;
        }

        AuthenticationLog.AddressHeld(logger, retryAfter);
        return Caller.Refused(new ApiError(
            429, "rate_limit_error", "too_many_failed_attempts",
            "Too many requests from this address were refused for their credentials; retry later.", null, retryAfter));
    }
}
