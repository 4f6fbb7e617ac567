using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Prompts;
using AiMesh.Prompts.Templates;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Prompts.Rendering;

/// <summary>
/// Renders the prompt a request names (<c>"prompt": {"id", "version"?, "variables"}</c>): the template's messages
/// go before the client's own and the <c>prompt</c> member is removed, so the router sees a plain request.
/// </summary>
internal sealed class RenderPromptConsumer(IOptionsMonitor<PromptsOptions> options) : IConsumer<RenderPrompt>
{
    public Task Consume(ConsumeContext<RenderPrompt> context)
    {
        var message = context.Message;
        var outcome = Render(message.RequestId, message.Body, options.CurrentValue);
        return outcome.Rendered is { } rendered
            ? context.RespondAsync(rendered)
            : context.RespondAsync(outcome.Failed!);
    }

    internal static (PromptRendered? Rendered, PromptRenderFailed? Failed) Render(Guid requestId, string body, PromptsOptions options)
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

        if (!options.Templates.TryGetValue(id, out var template))
        {
            return (null, new PromptRenderFailed(requestId, 404, "prompt_not_found", $"No prompt named '{id}'.", "prompt.id"));
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

        if (version is not null && version != template.Version)
        {
            return (null, new PromptRenderFailed(requestId, 404, "prompt_version_not_found", $"Prompt '{id}' has no version '{version}'.", "prompt.version"));
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
        return (new PromptRendered(requestId, request.ToJsonString(), id, template.Version), null);
    }
}
