using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Ingress.Anthropic;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Tests.Anthropic;

public sealed class AnthropicRequestTranslatorTests
{
    private const int MaxDepth = 64;

    [Fact]
    public void Every_member_of_a_full_request_reaches_the_canonical_request()
    {
        const string request = """
            {
              "model": "claude-x",
              "max_tokens": 2048,
              "system": [{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}],
              "messages": [
                {"role":"user","content":[
                  {"type":"text","text":"Look:"},
                  {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                  {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}},
                  {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"},"title":"spec.pdf"},
                  {"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain"},"citations":{"enabled":true}}
                ]},
                {"role":"assistant","content":[
                  {"type":"thinking","thinking":"Let me see.","signature":"sig-1"},
                  {"type":"redacted_thinking","data":"opaque"},
                  {"type":"text","text":"Checking."},
                  {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"},"cache_control":{"type":"ephemeral"}}
                ]},
                {"role":"user","content":[
                  {"type":"tool_result","tool_use_id":"toolu_1","content":"18C","is_error":true},
                  {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"a"},{"type":"image","source":{"type":"base64","media_type":"image/gif","data":"R0lG"}}]},
                  {"type":"text","text":"Thanks"}
                ]}
              ],
              "tools": [
                {"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}},"cache_control":{"type":"ephemeral"}},
                {"type":"web_search_20250305","name":"web_search","max_uses":2}
              ],
              "tool_choice": {"type":"any","disable_parallel_tool_use":true},
              "stop_sequences": ["END"],
              "temperature": 0.5,
              "top_p": 0.9,
              "top_k": 40,
              "metadata": {"user_id":"u-1"},
              "thinking": {"type":"enabled","budget_tokens":1024},
              "stream": true
            }
            """;

        var (canonical, user, error) = AnthropicRequestValidator.Canonical(Encoding.UTF8.GetBytes(request), MaxDepth);

        Assert.Null(error);
        Assert.Equal("u-1", user);
        const string expected = """
            {
              "model": "claude-x",
              "messages": [
                {"role":"system","content":[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}]},
                {"role":"user","content":[
                  {"type":"text","text":"Look:"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}},
                  {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0x","filename":"spec.pdf"}},
                  {"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain"},"citations":{"enabled":true}}
                ]},
                {"role":"assistant","content":"Checking.",
                 "thinking_blocks":[{"type":"thinking","thinking":"Let me see.","signature":"sig-1"},{"type":"redacted_thinking","data":"opaque"}],
                 "tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}],
                 "cache_control":{"type":"ephemeral"}},
                {"role":"tool","tool_call_id":"toolu_1","content":"18C","is_error":true},
                {"role":"tool","tool_call_id":"toolu_2","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"data:image/gif;base64,R0lG"}}]},
                {"role":"user","content":"Thanks"}
              ],
              "max_tokens": 2048,
              "stop": ["END"],
              "temperature": 0.5,
              "top_p": 0.9,
              "tools": [
                {"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}},"cache_control":{"type":"ephemeral"}},
                {"type":"web_search_20250305","name":"web_search","max_uses":2}
              ],
              "tool_choice": "required",
              "parallel_tool_calls": false,
              "user": "u-1",
              "stream": true,
              "stream_options": {"include_usage": true},
              "top_k": 40,
              "thinking": {"type":"enabled","budget_tokens":1024}
            }
            """;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), canonical), canonical!.ToJsonString());
    }

    [Fact]
    public void The_validated_request_is_a_chat_completion_of_the_clients_model_with_the_canonical_body()
    {
        var (request, error) = AnthropicRequestValidator.Validate(
            """{"model":"m","max_tokens":5,"system":"S","messages":[{"role":"user","content":"héllo"}]}"""u8.ToArray(), MaxDepth);

        Assert.Null(error);
        Assert.Equal(("chat.completions", "m", false, false, null), (request!.Api, request.Model, request.Stream, request.HasPrompt, request.User));
        Assert.Equal("""{"model":"m","messages":[{"role":"system","content":"S"},{"role":"user","content":"héllo"}],"max_tokens":5}""", request.Body);
    }

    // tool_choice, the canonical tool_choice
    [Theory]
    [InlineData("""{"type":"auto"}""", "\"auto\"")]
    [InlineData("""{"type":"none","disable_parallel_tool_use":true}""", "\"none\"")]
    [InlineData("""{"type":"tool","name":"f"}""", """{"type":"function","function":{"name":"f"}}""")]
    public void Tool_choices_map_to_openais(string choice, string expected)
    {
        var (canonical, _, error) = Canonical("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":""" + choice + "}");

        Assert.Null(error);
        Assert.Equal(expected, canonical!["tool_choice"]!.ToJsonString());
        Assert.False(canonical.ContainsKey("parallel_tool_calls"));
    }

    [Fact]
    public void Consecutive_turns_of_one_role_and_a_final_assistant_prefill_pass_in_order()
    {
        var (canonical, _, error) = Canonical("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"},{"role":"assistant","content":"{"}]}""");

        Assert.Null(error);
        Assert.Equal("""[{"role":"user","content":"a"},{"role":"user","content":"b"},{"role":"assistant","content":"{"}]""", canonical!["messages"]!.ToJsonString());
    }

    [Fact]
    public void A_count_request_needs_no_max_tokens_and_refuses_sampling_members()
    {
        var (counted, _, error) = AnthropicRequestValidator.Canonical("""{"model":"m","messages":[{"role":"user","content":"x"}],"thinking":{"type":"enabled","budget_tokens":2000}}"""u8.ToArray(), MaxDepth, counting: true);
        Assert.Null(error);
        Assert.False(counted!.ContainsKey("max_tokens"));

        var (_, _, refused) = AnthropicRequestValidator.Canonical("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}]}"""u8.ToArray(), MaxDepth, counting: true);
        Assert.Equal("max_tokens: Extra inputs are not permitted", refused!.Message);
    }

    // body, the message of the 400
    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}]}""", "max_tokens: Field required")]
    [InlineData("""{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]}""", "max_tokens: Input should be greater than or equal to 1")]
    [InlineData("""{"model":"m","max_tokens":"5","messages":[{"role":"user","content":"x"}]}""", "max_tokens: Input should be a valid integer")]
    [InlineData("""{"model":"m","max_tokens":5}""", "messages: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[]}""", "messages: at least one message is required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"x"}]}""", "messages.0.role: Input should be 'user' or 'assistant'")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user"}]}""", "messages.0.content: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[]}]}""", "messages.0.content: a message needs at least one content block")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text"}]}]}""", "messages.0.content.0.text: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"text":"x"}]}]}""", "messages.0.content.0.type: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_use","id":"a","name":"f","input":{}}]}]}""", "messages.0.content.0.type: a user message cannot hold a 'tool_use' block")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":[{"type":"tool_result","tool_use_id":"a"}]}]}""", "messages.0.content.0.type: an assistant message cannot hold a 'tool_result' block")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"a","name":"f","input":[1]}]}]}""", "messages.0.content.0.input: Input should be an object")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":[{"type":"thinking","thinking":"t"}]}]}""", "messages.0.content.0.signature: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/bmp","data":"x"}}]}]}""", "messages.0.content.0.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}""", "messages.0.content.0.source.type: image source 'file' is not supported by this gateway; send the image as base64 or a URL")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"ftp://x/y.png"}}]}]}""", "messages.0.content.0.source.url: Input should be an http or https URL")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"system":[{"type":"image"}]}""", "system.0.type: Input should be 'text'")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"f"}]}""", "tools.0.input_schema: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"f","input_schema":{"type":"array"}}]}""", "tools.0.input_schema.type: Input should be 'object'")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"required"}}""", "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"tool"}}""", "tool_choice.name: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"temperature":1.5}""", "temperature: Input should be between 0 and 1")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"top_k":-1}""", "top_k: Input should be greater than or equal to 0")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"stop_sequences":["a",1]}""", "stop_sequences.1: Input should be a valid string")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"metadata":{"team":"blue"}}""", "metadata.team: Extra inputs are not permitted")]
    [InlineData("""{"model":"m","max_tokens":2000,"messages":[{"role":"user","content":"x"}],"thinking":{"type":"enabled","budget_tokens":2000}}""", "thinking.budget_tokens: `max_tokens` must be greater than `thinking.budget_tokens`")]
    [InlineData("""{"model":"m","max_tokens":5000,"messages":[{"role":"user","content":"x"}],"thinking":{"type":"enabled","budget_tokens":100}}""", "thinking.budget_tokens: Input should be greater than or equal to 1024")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"stream":"yes"}""", "stream: Input should be a valid boolean")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"n":2}""", "n: Extra inputs are not permitted")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"prompt":{"id":"greeter"}}""", "prompt: Extra inputs are not permitted")]
    public void A_request_anthropic_would_refuse_is_a_400_naming_the_member(string body, string message)
    {
        var (request, error) = AnthropicRequestValidator.Validate(Encoding.UTF8.GetBytes(body), MaxDepth);

        Assert.Null(request);
        Assert.Equal((400, "invalid_request_error", message), (error!.Status, error.Type, error.Message));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1]")]
    [InlineData("""{"max_tokens":5,"messages":[]}""")]
    [InlineData("""{"model":"m","max_tokens":5,"max_tokens":6,"messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","role":"assistant","content":"x"}]}""")]
    public void A_body_that_is_no_request_object_is_a_400(string body)
    {
        var (request, error) = AnthropicRequestValidator.Validate(Encoding.UTF8.GetBytes(body), MaxDepth);

        Assert.Null(request);
        Assert.Equal(400, error!.Status);
    }

    private static (JsonObject? Request, string? User, ApiError? Error) Canonical(string body) =>
        AnthropicRequestValidator.Canonical(Encoding.UTF8.GetBytes(body), MaxDepth);
}
