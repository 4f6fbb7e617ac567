using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiMesh.Hosting.Jwt;

/// <summary>
/// Registers a service's token verifier as a keyed singleton (key: its configuration section), with its options as
/// named options of that section, validated at start, and its JWKS fetches on a named HttpClient of its own. Keyed by
/// section like the master key rings (<see cref="Secrets.MasterKeyRings"/>): the embedded process holds the ingress's
/// verifier (<c>Ingress:Jwt</c>) and policy's admin verifier (<c>Policy:Admin:Jwt</c>) side by side, never one
/// registration of a type overriding the other.
/// </summary>
public static class JwtVerifiers
{
    /// <summary>The named HttpClient a section's verifier fetches its JWKS with.</summary>
    public static string ClientName(string section) => "aimesh-jwks:" + section;

    /// <param name="defaultUserClaim">The claim naming the user when neither the section nor an issuer says.</param>
    public static void AddJwtVerifier(this IServiceCollection services, IConfiguration configuration, string section, string defaultUserClaim = "sub")
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<JwtOptions>(section)
            .Configure(o => o.UserClaim = defaultUserClaim)
            .Bind(configuration.GetSection(section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<JwtOptions>>(new JwtOptionsValidator(section));
        services.AddHttpClient(ClientName(section), (provider, http) =>
        {
            http.Timeout = provider.GetRequiredService<IOptionsMonitor<JwtOptions>>().Get(section).JwksTimeout;
            http.MaxResponseContentBufferSize = JwksClient.MaxBytes;
        });
        services.AddKeyedSingleton(section, (provider, _) =>
        {
            var clients = provider.GetRequiredService<IHttpClientFactory>();
            return new JwtVerifier(
                section,
                provider.GetRequiredService<IOptionsMonitor<JwtOptions>>().Get(section),
                () => new JwksClient(clients.CreateClient(ClientName(section))),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILoggerFactory>().CreateLogger<JwtVerifier>());
        });
    }
}
