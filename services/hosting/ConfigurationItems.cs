using Microsoft.Extensions.Configuration;

namespace AiMesh.Hosting;

/// <summary>
/// The configuration binder skips, without a word, a list or dictionary item it cannot read: a rule whose limit does not
/// fit its number type, or a word where a number belongs, simply is not there, and with it the limit it set. For a
/// gateway that is a limit silently off (seen: <c>TokensPerMinute=1000000000000</c> in one rule left the service with
/// no rate limits at all). Validators call this to turn every such item into a start-up error naming it; a misspelt
/// field name in an item is reported the same way.
/// </summary>
public static class ConfigurationItems
{
    /// <summary>One message per item under <paramref name="path"/> that cannot be read whole as a <typeparamref name="T"/>.</summary>
    public static List<string> Unreadable<T>(IConfiguration configuration, string path)
        where T : class
    {
        var errors = new List<string>();
        foreach (var item in configuration.GetSection(path).GetChildren())
        {
            try
            {
                item.Get<T>(binder => binder.ErrorOnUnknownConfiguration = true);
            }
            catch (InvalidOperationException e)
            {
                errors.Add($"{item.Path}: {e.Message}");
            }
        }

        return errors;
    }
}
