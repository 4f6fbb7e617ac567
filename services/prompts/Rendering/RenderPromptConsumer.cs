using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Prompts;
using AiMesh.Prompts.Experiments;
using AiMesh.Prompts.Registry;
using AiMesh.Prompts.Store;
using AiMesh.Prompts.Templates;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Prompts.Rendering;

/// <summary>
/// Renders the prompt a request names (<c>"prompt": {"id", "version"?, "label"?, "variables"}</c>): the template's
/// messages go before the client's own, the version's preferred model and parameters fill what the request left out,
/// and the <c>prompt</c> member is removed, so the router sees a plain request.
/// <para>
/// Precedence: a name the stored registry has is served from it (this replica's <see cref="PromptCatalog"/>, never the
/// database); a configured template (<c>Prompts:Templates</c>) serves only names the store does not have. Of a stored
/// prompt, a version number wins, else a label, else the label <c>production</c> when it exists, else the latest
/// version. A label may carry an experiment (a split between versions, sticky per user: <see cref="SplitChooser"/>).
/// </para>
/// </summary>
internal sealed class RenderPromptConsumer(IOptionsMonitor<PromptsOptions> options, PromptCatalog catalog) : IConsumer<RenderPrompt>
{
    public const string DefaultLabel = "production";

    public Task Consume(ConsumeContext<RenderPrompt> context)
    {
        var message = context.Message;
        var outcome = Render(message.RequestId, message.Body, options.CurrentValue, catalog, message.StickyKey);
        return outcome.Rendered is { } rendered
            ? context.RespondAsync(rendered)
            : context.RespondAsync(outcome.Failed!);
    }

    /// <param name="stickyKey">Who the request is for (<see cref="RenderPrompt.StickyKey"/>), which keeps a user on one version of a
    /// split; without one (a saga from before, a preview) the request id stands in, so each request is drawn apart.</param>
    internal static (PromptRendered? Rendered, PromptRenderFailed? Failed) Render(
        Guid requestId, string body, PromptsOptions options, PromptCatalog? catalog = null, string? stickyKey = null)
    {
        PromptRenderFailed Fail(string code, string text, string? param) => new(requestId, 400, code, text, param);

        if (JsonNode.Parse(body) is not JsonObject request || request["prompt"] is not JsonObject prompt)
        {
            return (null, Fail("invalid_prompt", "The 'prompt' member must be an object.", "prompt"));
        }

        if (prompt["id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var id))
        {
            return (null, Fail("invalid_prompt", "'prompt.id' must be a string.", "prompt.id"));
        }

        // A version is named by a string or a number (compared by its JSON text); anything else is an error, never
        // silently "whatever version is current".
        var version = prompt["version"] switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
            _ => "",
        };
        if (version == "")
        {
            return (null, Fail("invalid_prompt", "'prompt.version' must be a string or a number.", "prompt.version"));
        }

        string? label = null;
        if (prompt["label"] is { } labelNode)
        {
            if (labelNode is not JsonValue lv || !lv.TryGetValue(out label) || label.Length == 0)
            {
                return (null, Fail("invalid_prompt", "'prompt.label' must be a non-empty string.", "prompt.label"));
            }

            if (version is not null)
            {
                return (null, Fail("invalid_prompt", "Name a prompt's version or its label, not both.", "prompt.label"));
            }
        }

        var (template, notFound) = catalog is not null && catalog.TryGet(id, out var stored)
            ? Resolve(requestId, id, stored, version, label, stickyKey ?? requestId.ToString("N"))
            : ResolveConfigured(requestId, id, options, version, label);
        if (template is null)
        {
            return (null, notFound);
        }

        var variables = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (prompt["variables"] is JsonObject given)
        {
            foreach (var (key, value) in given)
            {
                variables[key] = value?.DeepClone();
            }
        }
        else if (prompt["variables"] is not null)
        {
            return (null, Fail("invalid_prompt", "'prompt.variables' must be an object.", "prompt.variables"));
        }

        foreach (var required in template.Variables)
        {
            if (!variables.ContainsKey(required))
            {
                return (null, Fail("missing_prompt_variable", $"Prompt '{id}' needs the variable '{required}'.", $"prompt.variables.{required}"));
            }
        }

        // The version's schema, checked before anything renders: the first violation, naming the variable.
        if (template.Schema?.Check(new JsonObject(variables.Select(v => KeyValuePair.Create(v.Key, v.Value?.DeepClone())))) is { } violation)
        {
            return (null, Fail("invalid_prompt_variables", $"Prompt '{id}': {violation.Message}", violation.Param));
        }

        var messages = new JsonArray();
        foreach (var m in template.Messages)
        {
            var rendering = TemplateRenderer.Render(m.Content, variables, template.Variables);
            if (rendering.Text is not { } text)
            {
                // The template's own fault, or its variables' (a loop over a huge array): the words say which, and name
                // nothing of the server.
                return (null, Fail("prompt_render_failed", $"Prompt '{id}' could not be rendered: {rendering.Error}", "prompt.variables"));
            }

            messages.Add(new JsonObject { ["role"] = m.Role, ["content"] = text });
        }

        if (request["messages"] is JsonArray own)
        {
            foreach (var m in own.ToArray())
            {
                own.Remove(m);
                messages.Add(m);
            }
        }

        request["messages"] = messages;
        request.Remove("prompt");
        Prefer(request, template);
        return (new PromptRendered(requestId, request.ToJsonString(), id, template.Version), null);
    }

    /// <summary>
    /// The stored version a request names: by number, by label, else <c>production</c>, else the latest. A label with an
    /// experiment running (named, or <c>production</c> by default) serves the split's version for the request's
    /// <paramref name="stickyKey"/> instead of its own; a version number named outright bypasses every split.
    /// </summary>
    private static (ResolvedTemplate? Template, PromptRenderFailed? NotFound) Resolve(
        Guid requestId, string id, StoredPrompt stored, string? version, string? label, string stickyKey)
    {
        StoredVersion? chosen;
        if (version is not null)
        {
            chosen = int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
                ? stored.Version(number)
                : null;
            if (chosen is null)
            {
                return (null, new PromptRenderFailed(requestId, 404, "prompt_version_not_found", $"Prompt '{id}' has no version '{version}'.", "prompt.version"));
            }
        }
        else if (label is not null)
        {
            chosen = stored.Labels.TryGetValue(label, out var pointed) ? stored.Version(Split(stored, label, stickyKey) ?? pointed.Version) : null;
            if (chosen is null)
            {
                return (null, new PromptRenderFailed(requestId, 404, "prompt_label_not_found", $"Prompt '{id}' has no label '{label}'.", "prompt.label"));
            }
        }
        else
        {
            chosen = stored.Labels.TryGetValue(DefaultLabel, out var production)
                ? stored.Version(Split(stored, DefaultLabel, stickyKey) ?? production.Version)
                : stored.Latest;
            if (chosen is null)
            {
                return (null, new PromptRenderFailed(requestId, 404, "prompt_version_not_found", $"Prompt '{id}' has no published version.", "prompt.id"));
            }
        }

        return (new ResolvedTemplate(
            chosen.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            chosen.Messages,
            chosen.Variables,
            chosen.Schema,
            chosen.Model,
            chosen.Parameters), null);
    }

    /// <summary>The version the experiment on <paramref name="label"/> gives <paramref name="stickyKey"/>; null when none runs there.</summary>
    private static int? Split(StoredPrompt stored, string label, string stickyKey) =>
        stored.Splits.TryGetValue(label, out var split) && split.Shares.Count > 0
            ? SplitChooser.Choose(split.Shares, SplitChooser.Bucket(stored.Name, label, stickyKey))
            : null;

    /// <summary>A configured template: one version, no labels.</summary>
    private static (ResolvedTemplate? Template, PromptRenderFailed? NotFound) ResolveConfigured(
        Guid requestId, string id, PromptsOptions options, string? version, string? label)
    {
        if (!options.Templates.TryGetValue(id, out var template))
        {
            return (null, new PromptRenderFailed(requestId, 404, "prompt_not_found", $"No prompt named '{id}'.", "prompt.id"));
        }

        if (version is not null && version != template.Version)
        {
            return (null, new PromptRenderFailed(requestId, 404, "prompt_version_not_found", $"Prompt '{id}' has no version '{version}'.", "prompt.version"));
        }

        if (label is not null)
        {
            return (null, new PromptRenderFailed(requestId, 404, "prompt_label_not_found", $"Prompt '{id}' has no label '{label}'.", "prompt.label"));
        }

        return (new ResolvedTemplate(
            template.Version,
            template.Messages.Select(m => new PromptMessage(m.Role, m.Content)).ToList(),
            template.Variables,
            null,
            null,
            null), null);
    }

    /// <summary>The version's preferred model and parameters, where the request gave none of its own.</summary>
    private static void Prefer(JsonObject request, ResolvedTemplate template)
    {
        if (template.Model is { } model && request["model"] is null)
        {
            request["model"] = model;
        }

        if (template.Parameters is { } parameters && JsonNode.Parse(parameters) is JsonObject preferred)
        {
            foreach (var (key, value) in preferred)
            {
                if (!request.ContainsKey(key) && key is not ("messages" or "prompt"))
                {
                    request[key] = value?.DeepClone();
                }
            }
        }
    }
}
