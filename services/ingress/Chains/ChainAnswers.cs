using System.Text.Json;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Chains;

/// <summary>A chain run's answers: the outputs of all steps, or the OpenAI error envelope naming the step that failed.</summary>
internal static class ChainAnswers
{
    public static async Task WriteAsync(HttpResponse response, Guid runId, string chain, IReadOnlyList<ChainStepResult> steps, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(response.Body);
        json.WriteStartObject();
        json.WriteString("id", runId.ToString("D"));
        json.WriteString("object", "chain.run");
        json.WriteString("chain", chain);
        json.WriteString("output", steps.Count == 0 ? "" : steps[^1].Output);
        WriteSteps(json, "steps", steps, outputs: true);
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// The step's own status and an error whose message and <c>param</c> (<c>steps[i]</c>) name it, with the step's own
    /// error message, type and code (<c>step_code</c>) kept; <c>steps</c> lists the steps that completed (their usage
    /// stands) and <c>failed_step</c> the one that did not.
    /// </summary>
    public static async Task WriteFailureAsync(
        HttpResponse response, Guid runId, string chain, int index, int count, string stepName, Guid stepRequestId, ApiError error,
        IReadOnlyList<ChainStepResult> completed, CancellationToken cancellationToken)
    {
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await using var json = new Utf8JsonWriter(response.Body);
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("message", $"Step {index + 1} of {count} ({stepName}) failed: {error.Message}");
        json.WriteString("type", error.Type);
        json.WriteString("param", $"steps[{index}]");
        json.WriteString("code", "chain_step_failed");
        json.WriteString("step_code", error.Code);
        json.WriteString("step_param", error.Param);
        json.WriteString("id", runId.ToString("D"));
        json.WriteString("chain", chain);
        json.WriteStartObject("failed_step");
        json.WriteString("name", stepName);
        json.WriteString("request_id", stepRequestId.ToString("D"));
        json.WriteEndObject();
        WriteSteps(json, "steps", completed, outputs: false);
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    private static void WriteSteps(Utf8JsonWriter json, string name, IReadOnlyList<ChainStepResult> steps, bool outputs)
    {
        json.WriteStartArray(name);
        foreach (var step in steps)
        {
            json.WriteStartObject();
            json.WriteString("name", step.Name);
            json.WriteString("request_id", step.RequestId.ToString("D"));
            json.WriteString("prompt", step.Prompt);
            json.WriteString("version", step.Version);
            if (outputs)
            {
                json.WriteString("output", step.Output);
            }

            if (step.Usage is { } usage)
            {
                json.WriteStartObject("usage");
                json.WriteNumber("prompt_tokens", usage.PromptTokens);
                json.WriteNumber("completion_tokens", usage.CompletionTokens);
                json.WriteNumber("total_tokens", usage.PromptTokens + usage.CompletionTokens);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("usage");
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
