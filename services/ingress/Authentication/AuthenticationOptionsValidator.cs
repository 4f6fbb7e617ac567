using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Authentication;

/// <summary>
/// Checks "Ingress:ClientCertificates" and "Ingress:Https" at start and reports every error at once. "Ingress:Jwt" is
/// checked by the shared token verification's own validator (services/hosting/Jwt/JwtOptionsValidator.cs).
/// </summary>
internal sealed class AuthenticationOptionsValidator(IOptions<IngressHttpsOptions> https) : IValidateOptions<ClientCertificateOptions>
{
    public ValidateOptionsResult Validate(string? name, ClientCertificateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        ValidateCertificates(options, https.Value, errors);
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
}
