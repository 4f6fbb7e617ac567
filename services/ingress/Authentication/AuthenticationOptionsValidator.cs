using System.Net;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Authentication;

/// <summary>Checks "Ingress:Jwt", "Ingress:ClientCertificates" and "Ingress:Https" at start and reports every error at once.</summary>
internal sealed class AuthenticationOptionsValidator(IOptions<ClientCertificateOptions> certificates, IOptions<IngressHttpsOptions> https)
    : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        var errors = new List<string>();
        var issuers = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Issuers.Count; i++)
        {
            var issuer = options.Issuers[i];
            var at = $"{JwtOptions.Section}:Issuers:{i}";
            if (string.IsNullOrWhiteSpace(issuer.Issuer))
            {
                errors.Add($"{at}:Issuer is required.");
            }
            else if (!issuers.Add(issuer.Issuer))
            {
                errors.Add($"{at}:Issuer '{issuer.Issuer}' is configured twice.");
            }

            if (issuer.Audiences.Count == 0 || issuer.Audiences.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"{at}:Audiences needs at least one audience, none empty.");
            }

            if ((issuer.JwksUrl is null) == (issuer.Keys.Count == 0))
            {
                errors.Add($"{at}: give exactly one of JwksUrl or Keys.");
            }

            if (issuer.JwksUrl is { } url && !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && IsLoopback(url))))
            {
                errors.Add($"{at}:JwksUrl must be https (http only on a loopback address).");
            }

            for (var k = 0; k < issuer.Keys.Count; k++)
            {
                if (SigningKeys.Parse(issuer.Keys[k]).Error is { } error)
                {
                    errors.Add($"{at}:Keys:{k}: {error}.");
                }
            }

            if (string.IsNullOrWhiteSpace(issuer.UserClaim))
            {
                errors.Add($"{at}:UserClaim must name a claim.");
            }
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{JwtOptions.Section}:ClockSkew must be between 0 and 5 minutes.");
        }

        if (options.JwksTimeout <= TimeSpan.Zero || options.JwksRefreshInterval <= TimeSpan.Zero || options.JwksMinRefreshInterval < TimeSpan.Zero)
        {
            errors.Add($"{JwtOptions.Section}: JwksTimeout and JwksRefreshInterval must be positive, JwksMinRefreshInterval not negative.");
        }

        ValidateCertificates(certificates.Value, https.Value, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateCertificates(ClientCertificateOptions options, IngressHttpsOptions https, List<string> errors)
    {
        if ((https.CertificatePath is null) != (https.KeyPath is null))
        {
            errors.Add($"{IngressHttpsOptions.Section}: give both CertificatePath and KeyPath.");
        }

        if (options.Mode == ClientCertificateMode.Off)
        {
            return;
        }

        var at = ClientCertificateOptions.Section;
        if (https.CertificatePath is null)
        {
            errors.Add($"{at}:Mode {options.Mode} needs {IngressHttpsOptions.Section} (certificates are asked for over TLS).");
        }

        if (string.IsNullOrWhiteSpace(options.CaBundlePath) || !File.Exists(options.CaBundlePath))
        {
            errors.Add($"{at}:CaBundlePath must name a PEM file of the CAs to trust.");
        }

        for (var i = 0; i < options.Principals.Count; i++)
        {
            var principal = options.Principals[i];
            if (string.IsNullOrWhiteSpace(principal.Thumbprint) == string.IsNullOrWhiteSpace(principal.Subject))
            {
                errors.Add($"{at}:Principals:{i}: give exactly one of Thumbprint or Subject.");
            }

            var hex = principal.Thumbprint is { } thumbprint ? ClientCertificateVerifier.Normalize(thumbprint) : null;
            if (hex is not null && (hex.Length != 64 || !hex.All(Uri.IsHexDigit)))
            {
                errors.Add($"{at}:Principals:{i}:Thumbprint must be a SHA-256 thumbprint (64 hex digits).");
            }

            if (string.IsNullOrWhiteSpace(principal.User))
            {
                errors.Add($"{at}:Principals:{i}:User is required.");
            }
        }
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
