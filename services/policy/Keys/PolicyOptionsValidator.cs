using AiMesh.Policy.Store;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Keys;

/// <summary>Reports every configuration error at once, at start.</summary>
internal sealed class PolicyOptionsValidator : IValidateOptions<PolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, PolicyOptions options)
    {
        var errors = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);

        // One grant per hash: a second key with the same hash would silently take the first one's traffic.
        var hashes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var key = options.Keys[i];
            var at = $"Policy:Keys:{i}";
            if (string.IsNullOrWhiteSpace(key.Id))
            {
                errors.Add($"{at}:Id is required.");
            }
            else if (!ids.Add(key.Id))
            {
                errors.Add($"{at}:Id '{key.Id}' is used twice.");
            }

            if (string.IsNullOrWhiteSpace(key.Principal))
            {
                errors.Add($"{at}:Principal is required.");
            }

            var hasHash = !string.IsNullOrWhiteSpace(key.Sha256);
            var hasEnv = !string.IsNullOrWhiteSpace(key.Env);
            if (hasHash == hasEnv)
            {
                errors.Add($"{at}: give exactly one of Sha256 or Env.");
            }

            if (hasHash && (key.Sha256!.Trim().Length != 64 || !key.Sha256.Trim().All(Uri.IsHexDigit)))
            {
                errors.Add($"{at}:Sha256 must be 64 hex digits.");
            }
            else if (hasHash && !hashes.TryAdd(key.Sha256!.Trim().ToLowerInvariant(), i))
            {
                errors.Add($"{at}:Sha256 is the same key as Policy:Keys:{hashes[key.Sha256!.Trim().ToLowerInvariant()]}.");
            }

            if (key.Models.Count == 0)
            {
                errors.Add($"{at}:Models must name at least one model or '*'.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Database.Provider) || !DatabaseProviders.IsKnown(options.Database.Provider))
        {
            errors.Add($"Policy:Database:Provider '{options.Database.Provider}' is not known; use '{DatabaseProviders.Sqlite}' or '{DatabaseProviders.Postgres}'.");
        }

        if (string.IsNullOrWhiteSpace(options.Database.ConnectionString))
        {
            errors.Add("Policy:Database:ConnectionString is required.");
        }

        if (options.KeyReloadInterval < TimeSpan.FromSeconds(1) || options.KeyReloadInterval > TimeSpan.FromHours(1))
        {
            errors.Add("Policy:KeyReloadInterval must be between 00:00:01 and 01:00:00.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
