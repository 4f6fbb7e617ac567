using System.Net;
using Microsoft.Extensions.Options;

namespace AiMesh.Hosting.Jwt;

/// <summary>
/// Checks one verifier's section at start and reports every error at once, each named by its full configuration
/// path (<c>Ingress:Jwt:Issuers:0:Audiences</c>, <c>Policy:Admin:Jwt:ClockSkew</c>…). It answers only for the named
/// options of its own section, so two verifiers in one process never check each other's.
/// </summary>
public sealed class JwtOptionsValidator(string section) : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (name is not null && !string.Equals(name, section, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = Errors(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private List<string> Errors(JwtOptions options)
    {
        var errors = new List<string>();
        var issuers = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Issuers.Count; i++)
        {
            var issuer = options.Issuers[i];
            var at = $"{section}:Issuers:{i}";
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

            if (issuer.UserClaim is { } claim && string.IsNullOrWhiteSpace(claim))
            {
                errors.Add($"{at}:UserClaim must name a claim.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.UserClaim))
        {
            errors.Add($"{section}:UserClaim must name a claim.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{section}:ClockSkew must be between 0 and 5 minutes.");
        }

        if (options.JwksTimeout <= TimeSpan.Zero || options.JwksRefreshInterval <= TimeSpan.Zero || options.JwksMinRefreshInterval < TimeSpan.Zero)
        {
            errors.Add($"{section}: JwksTimeout and JwksRefreshInterval must be positive, JwksMinRefreshInterval not negative.");
        }

        return errors;
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
