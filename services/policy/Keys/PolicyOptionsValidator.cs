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

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
