using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiMesh.Hosting.Secrets;

/// <summary>
/// Registers a service's master key ring as a keyed singleton (key: the configuration section, so policy's and the
/// router's rings stay apart when both run in one process), its options bound from the section and validated at
/// start: a key that is not base64 of 32 bytes, or a key file that cannot be read, fails the start with a message
/// naming the setting and never the value.
/// </summary>
public static class MasterKeyRings
{
    public static void AddMasterKeyRing(this IServiceCollection services, IConfiguration configuration, string section)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MasterKeyOptions>(section)
            .Bind(configuration.GetSection(section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MasterKeyOptions>>(new Validator(configuration, section));
        services.AddKeyedSingleton(section, (provider, _) =>
            MasterKeyRing.Load(configuration, provider.GetRequiredService<IOptionsMonitor<MasterKeyOptions>>().Get(section), section));
    }

    private static string? TryLoad(IConfiguration configuration, MasterKeyOptions options, string section)
    {
        try
        {
            MasterKeyRing.Load(configuration, options, section);
            return null;
        }
        catch (MasterKeyException invalid)
        {
            return invalid.Message;
        }
    }

    private sealed class Validator(IConfiguration configuration, string section) : IValidateOptions<MasterKeyOptions>
    {
        public ValidateOptionsResult Validate(string? name, MasterKeyOptions options) =>
            name != section ? ValidateOptionsResult.Skip
            : TryLoad(configuration, options, section) is { } failure ? ValidateOptionsResult.Fail(failure)
            : ValidateOptionsResult.Success;
    }
}
