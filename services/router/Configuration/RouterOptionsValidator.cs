using System.Text.RegularExpressions;
using AiMesh.Router.Providers;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Configuration;

/// <summary>
/// Checks the whole "Router" section at start and reports every problem in one go (yarp's <c>IConfigValidator</c>
/// habit), so an operator fixes a catalog in one round. Messages name settings and environment variables,
/// never their values.
/// </summary>
internal sealed partial class RouterOptionsValidator(
    IConfiguration configuration,
    ProviderAdapters adapters,
    [FromKeyedServices(Secrets.RouterSecrets.Section)] AiMesh.Hosting.Secrets.MasterKeyRing? secrets = null) : IValidateOptions<RouterOptions>
{
    private static readonly TimeSpan LongestTimeout = TimeSpan.FromDays(1);

    // Far above any model's output limit: only catches a typo (an extra zero or two), never a real setting.
    private const int LargestDefaultMaxTokens = 1_000_000;

    // Set by the transport or the adapter; configuration must not override them.
    private static readonly HashSet<string> ReservedHeaders = new(
        ["Host", "Content-Length", "Content-Type", "Transfer-Encoding", "Connection", "Upgrade", "TE", "Keep-Alive", "Expect", "Accept"],
        StringComparer.OrdinalIgnoreCase);

    public ValidateOptionsResult Validate(string? name, RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        CheckTimeout(errors, "Connect", options.Timeouts.Connect);
        CheckTimeout(errors, "FirstByte", options.Timeouts.FirstByte);
        CheckTimeout(errors, "Idle", options.Timeouts.Idle);
        CheckTimeout(errors, "Total", options.Timeouts.Total);
        if (options.CredentialReloadInterval < TimeSpan.FromSeconds(1) || options.CredentialReloadInterval > LongestTimeout)
        {
            errors.Add($"{RouterOptions.Section}:CredentialReloadInterval must be from one second to one day.");
        }

        if (options.MaxConcurrentCalls is < 1 or > 100_000)
        {
            errors.Add($"{RouterOptions.Section}:MaxConcurrentCalls must be between 1 and 100000.");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var index = 0; index < options.Deployments.Count; index++)
        {
            var deployment = options.Deployments[index];
            var at = Where(index, deployment);
            CheckDeployment(errors, at, deployment, names);
        }

        CheckLimits(errors, options.Limits);
        var retries = options.Retries;
        if (retries.MaxAttempts is < 1 or > 10 || retries.BaseDelay < TimeSpan.Zero || retries.MaxDelay < retries.BaseDelay || retries.MaxDelay > TimeSpan.FromMinutes(1)
            || retries.MaxRetryAfter < TimeSpan.Zero || retries.BudgetRatio is < 0 or > 10 || retries.BudgetMinPerSecond < 0)
        {
            errors.Add($"{RouterOptions.Section}:Retries: MaxAttempts must be from 1 to 10, BaseDelay ≤ MaxDelay ≤ one minute, MaxRetryAfter, BudgetRatio (0–10) and BudgetMinPerSecond not negative.");
        }

        var health = options.Health;
        if (health.ConsecutiveFailures < 0 || health.ErrorRate is < 0 or > 1 || health.MinimumCalls < 1 || health.Window <= TimeSpan.Zero
            || health.BreakTime <= TimeSpan.Zero || health.MaxBreakTime < health.BreakTime || health.ShareInterval < TimeSpan.Zero || health.ShareInterval > TimeSpan.FromMinutes(1)
            || (health.ActiveCheckInterval != TimeSpan.Zero && health.ActiveCheckInterval < TimeSpan.FromSeconds(1)) || health.ActiveCheckTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{RouterOptions.Section}:Health: ConsecutiveFailures not negative, ErrorRate from 0 to 1, MinimumCalls at least 1, Window and BreakTime positive, MaxBreakTime ≥ BreakTime, ShareInterval from 0 to one minute, ActiveCheckInterval 0 (off) or at least a second, ActiveCheckTimeout positive.");
        }

        foreach (var (model, group) in options.Models)
        {
            if (group.Parsed is null)
            {
                errors.Add($"{RouterOptions.Section}:Models:{model}:Strategy must be ordered, weighted, least-in-flight, lowest-latency, lowest-cost or capacity-aware.");
            }

            if (!options.Deployments.Any(d => string.Equals(d.Model, model, StringComparison.Ordinal)))
            {
                errors.Add($"{RouterOptions.Section}:Models:{model} names a model no deployment serves.");
            }
        }

        FallbackValidation.Check(errors, options);
        ConditionalRoutingValidator.Check(errors, options);
        Admission.AdmissionValidation.Check(errors, options);
        ShadowValidation.Check(errors, options);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// Where deployment limits are counted, and every deployment's <c>Limits</c>: a number the binder cannot read (too
    /// large, a word) would drop the whole deployment without a word, so it is read here on its own and named.
    /// </summary>
    private void CheckLimits(List<string> errors, RouterLimitOptions limits)
    {
        var at = $"{RouterOptions.Section}:Limits";
        if (!limits.IsShared && !string.Equals(limits.Store, "Memory", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{at}:Store must be Memory or Redis.");
        }

        if (limits.IsShared && string.IsNullOrWhiteSpace(limits.Redis))
        {
            errors.Add($"{at}:Redis must name the Redis server when Store is Redis.");
        }

        if (limits.Replicas is < 1 or > 10_000 || limits.StoreTimeout <= TimeSpan.Zero || limits.StoreTimeout > TimeSpan.FromMinutes(1)
            || limits.StoreRetryAfter <= TimeSpan.Zero || limits.DefaultMaxOutputTokens < 1)
        {
            errors.Add($"{at}: Replicas must be from 1 to 10000, StoreTimeout from a tick to a minute, StoreRetryAfter positive and DefaultMaxOutputTokens at least 1.");
        }

        foreach (var item in configuration.GetSection($"{RouterOptions.Section}:Deployments").GetChildren())
        {
            var section = item.GetSection("Limits");
            try
            {
                if (section.Get<DeploymentLimitOptions>(binder => binder.ErrorOnUnknownConfiguration = true) is { } given
                    && new[] { given.RequestsPerSecond, given.RequestsPerMinute, given.TokensPerMinute, given.Concurrent }.Any(v => v is < 1))
                {
                    errors.Add($"{section.Path}: every limit must be at least 1 (leave a kind out for no limit).");
                }
            }
            catch (InvalidOperationException e)
            {
                errors.Add($"{section.Path}: {e.Message}");
            }
        }
    }

    /// <summary>
    /// How every start-up error names a deployment: its place in the section, and its name when it has one. The
    /// provider validators (<c>BedrockOptionsValidator</c>, <c>VertexOptionsValidator</c>) use it too, so an operator
    /// sees one deployment named one way whichever check failed.
    /// </summary>
    internal static string Where(int index, DeploymentOptions deployment) =>
        $"{RouterOptions.Section}:Deployments:{index}" + (string.IsNullOrWhiteSpace(deployment.Name) ? "" : $" ({deployment.Name})");

    private void CheckDeployment(List<string> errors, string at, DeploymentOptions deployment, HashSet<string> names)
    {
        if (string.IsNullOrWhiteSpace(deployment.Name))
        {
            errors.Add($"{at}: Name is required.");
        }
        else if (!names.Add(deployment.Name))
        {
            errors.Add($"{at}: Name '{deployment.Name}' is used by an earlier deployment.");
        }

        if (string.IsNullOrWhiteSpace(deployment.Model))
        {
            errors.Add($"{at}: Model is required.");
        }

        CheckBaseUrl(errors, at, deployment.BaseUrl);
        if (Deployments.DeploymentCatalog.ParsePolicy(deployment.UnsupportedParameters) is null)
        {
            errors.Add($"{at}: UnsupportedParameters must be 'reject' or 'drop'.");
        }

        var adapter = string.IsNullOrWhiteSpace(deployment.Provider) ? null : adapters.Find(deployment.Provider);
        if (adapter is null)
        {
            errors.Add($"{at}: Provider '{deployment.Provider}' is not one of: {string.Join(", ", adapters.Providers.Order(StringComparer.Ordinal))}.");
        }

        if (deployment.Api.Count == 0)
        {
            errors.Add($"{at}: Api must list at least one of the APIs the deployment serves.");
        }
        else if (adapter is not null)
        {
            foreach (var api in deployment.Api.Where(api => !adapter.Apis.Contains(api)))
            {
                errors.Add($"{at}: Api '{api}' is not served by the {adapter.Name} adapter (it serves {string.Join(", ", adapter.Apis)}).");
            }
        }

        if (!string.IsNullOrWhiteSpace(deployment.ApiKeyEnv) && !string.IsNullOrWhiteSpace(deployment.ApiKeyCredential))
        {
            errors.Add($"{at}: set ApiKeyEnv or ApiKeyCredential, not both.");
        }
        else if (!string.IsNullOrWhiteSpace(deployment.ApiKeyCredential))
        {
            CheckCredential(errors, at, deployment);
        }
        else if (!string.IsNullOrWhiteSpace(deployment.ApiKeyEnv))
        {
            if (string.IsNullOrEmpty(configuration[deployment.ApiKeyEnv]))
            {
                errors.Add($"{at}: the environment variable {deployment.ApiKeyEnv} named by ApiKeyEnv is not set.");
            }
        }
        else if (adapter is not null && deployment.Provider is not null && adapter.RequiresApiKey(deployment.Provider))
        {
            errors.Add($"{at}: provider '{deployment.Provider}' needs credentials: set ApiKeyEnv to the name of the environment variable that holds the key, or ApiKeyCredential to a stored credential's name.");
        }

        foreach (var (header, value) in deployment.Headers)
        {
            CheckHeader(errors, at, header, value);
        }

        if (deployment.Weight is < 0 or > 1_000_000)
        {
            errors.Add($"{at}: Weight must be from 0 to 1000000.");
        }

        if (deployment.DefaultMaxTokens is < 1 or > LargestDefaultMaxTokens)
        {
            errors.Add($"{at}: DefaultMaxTokens must be between 1 and {LargestDefaultMaxTokens}.");
        }
    }

    /// <summary>A stored credential: API-key providers only, and the router must hold a master key to open it.</summary>
    private void CheckCredential(List<string> errors, string at, DeploymentOptions deployment)
    {
        if (deployment.Provider is "bedrock" or "vertex" || Providers.Azure.AzureDeploymentSettings.IsEntra(deployment))
        {
            errors.Add($"{at}: ApiKeyCredential is for API keys; AWS, Vertex AI and Entra ID credentials stay in the environment variables their settings name.");
        }

        if (secrets?.IsConfigured != true)
        {
            errors.Add($"{at}: ApiKeyCredential needs the master key the credential is sealed under: set {AiMesh.Hosting.Secrets.MasterKeyOptions.CurrentKeyVariable} (or {RouterOptions.Section}:Secrets:MasterKeyFile).");
        }

        if (deployment.ApiKeyCredential!.Length > 200 || deployment.ApiKeyCredential.Any(char.IsControl))
        {
            errors.Add($"{at}: ApiKeyCredential must be a credential name (at most 200 characters, no control characters).");
        }
    }

    private static void CheckBaseUrl(List<string> errors, string at, string? baseUrl)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{at}: BaseUrl must be an absolute http or https URL.");
            return;
        }

        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            // Credentials in a URL end up in logs and traces; query and fragment would be lost when paths are appended.
            errors.Add($"{at}: BaseUrl must not contain user information, a query or a fragment.");
        }
    }

    private static void CheckHeader(List<string> errors, string at, string header, string? value)
    {
        if (!HeaderName().IsMatch(header))
        {
            errors.Add($"{at}: Headers has an invalid header name.");
        }
        else if (ReservedHeaders.Contains(header))
        {
            errors.Add($"{at}: Headers must not set {header}; the router sets it.");
        }
        else if (SecretHeaderName().IsMatch(header))
        {
            errors.Add($"{at}: Headers must not carry credentials ({header}); the key comes only from the variable named by ApiKeyEnv.");
        }

        if (value is null || value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            errors.Add($"{at}: the value of header {header} must be a single line.");
        }
    }

    private static void CheckTimeout(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > LongestTimeout)
        {
            errors.Add($"{RouterOptions.Section}:Timeouts:{name} must be greater than zero and at most one day.");
        }
    }

    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderName();

    [GeneratedRegex("auth|api-?_?key|token|secret|cookie|password", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretHeaderName();
}
