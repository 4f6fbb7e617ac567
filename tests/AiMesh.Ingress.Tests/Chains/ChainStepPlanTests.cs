using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Prompts;
using AiMesh.Contracts.Routing;
using AiMesh.Ingress.Chains;
using AiMesh.Ingress.OpenAi;
using Microsoft.AspNetCore.Http;

namespace AiMesh.Ingress.Tests.Chains;

/// <summary>
/// What a chain step sends and what it takes back: the child request names the step's prompt (version or label) with
/// each variable from the input (any JSON value, as given), an earlier step's output or a literal; a run whose input
/// lacks a field any step reads is refused before a step is sent; the failure envelope names the step.
/// </summary>
public sealed class ChainStepPlanTests
{
    private static readonly ChainDetail Chain = new("c", null, "gpt-4o-mini",
    [
        new("summarize", "summarizer", 2, null, new Dictionary<string, string> { ["text"] = "$input.text", ["limits"] = "$input.limits" }, null),
        new("translate", "translator", null, "production", new Dictionary<string, string> { ["text"] = "$steps.summarize.output", ["language"] = "French" }, "gpt-4o"),
    ], DateTimeOffset.UnixEpoch, "ada");

    [Fact]
    public void A_step_body_names_its_prompt_and_model_with_variables_from_the_input_earlier_outputs_and_literals()
    {
        var input = JsonNode.Parse("""{"text":"long story","limits":{"words":10}}""")!.AsObject();
        var outputs = new Dictionary<string, string> { ["summarize"] = "short story" };

        var first = JsonNode.Parse(ChainStepPlan.Body(Chain, Chain.Steps[0], input, outputs))!;
        var second = JsonNode.Parse(ChainStepPlan.Body(Chain, Chain.Steps[1], input, outputs))!;

        Assert.Equal(("gpt-4o-mini", "summarizer", 2), (first["model"]!.GetValue<string>(), first["prompt"]!["id"]!.GetValue<string>(), first["prompt"]!["version"]!.GetValue<int>()));
        Assert.Equal("long story", first["prompt"]!["variables"]!["text"]!.GetValue<string>());
        Assert.Equal(10, first["prompt"]!["variables"]!["limits"]!["words"]!.GetValue<int>());
        Assert.Equal(("gpt-4o", "production"), (second["model"]!.GetValue<string>(), second["prompt"]!["label"]!.GetValue<string>()));
        Assert.Null(second["prompt"]!["version"]);
        Assert.Equal(("short story", "French"), (second["prompt"]!["variables"]!["text"]!.GetValue<string>(), second["prompt"]!["variables"]!["language"]!.GetValue<string>()));
    }

    [Fact]
    public void An_input_without_a_field_a_step_reads_is_refused_naming_it()
    {
        var error = ChainStepPlan.MissingInput(Chain, JsonNode.Parse("""{"text":"x"}""")!.AsObject());

        Assert.Equal((400, "invalid_chain_input", "input.limits"), (error!.Status, error.Code, error.Param));
        Assert.Null(ChainStepPlan.MissingInput(Chain, JsonNode.Parse("""{"text":"x","limits":null}""")!.AsObject()));
    }

    [Fact]
    public void The_output_is_the_assistant_text_and_empty_without_one()
    {
        Assert.Equal("Bonjour", ChainStepPlan.OutputOf("""{"choices":[{"message":{"role":"assistant","content":"Bonjour"}}]}"""));
        Assert.Equal("", ChainStepPlan.OutputOf("""{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[]}}]}"""));
        Assert.Equal("", ChainStepPlan.OutputOf(null));
    }

    [Fact]
    public async Task A_failed_step_is_answered_with_its_status_and_an_error_naming_it_and_the_steps_that_completed()
    {
        var http = new DefaultHttpContext();
        using var body = new MemoryStream();
        http.Response.Body = body;
        var run = Guid.NewGuid();
        var (first, failed) = (Guid.NewGuid(), Guid.NewGuid());
        var completed = new List<ChainStepResult> { new("summarize", first, "summarizer", "2", "short", new TokenUsage(5, 3)) };

        await ChainAnswers.WriteFailureAsync(
            http.Response, run, "c", 1, 3, "translate", failed, new ApiError(429, "rate_limit_error", "rate_limited", "Too many requests.", null, 7), completed, default);

        var error = JsonDocument.Parse(body.ToArray()).RootElement.GetProperty("error");
        Assert.Equal((429, "7"), (http.Response.StatusCode, http.Response.Headers.RetryAfter.ToString()));
        Assert.Equal("Step 2 of 3 (translate) failed: Too many requests.", error.GetProperty("message").GetString());
        Assert.Equal(("steps[1]", "chain_step_failed", "rate_limited", "rate_limit_error"),
            (error.GetProperty("param").GetString(), error.GetProperty("code").GetString(), error.GetProperty("step_code").GetString(), error.GetProperty("type").GetString()));
        Assert.Equal(failed.ToString("D"), error.GetProperty("failed_step").GetProperty("request_id").GetString());
        var steps = error.GetProperty("steps");
        Assert.Equal((1, first.ToString("D"), 8), (steps.GetArrayLength(), steps[0].GetProperty("request_id").GetString(), steps[0].GetProperty("usage").GetProperty("total_tokens").GetInt32()));
    }
}
