using System.Text;
using System.Text.Json.Nodes;
using AiMesh.Ingress.OpenAi;
using Microsoft.AspNetCore.Http;

namespace AiMesh.Ingress.Tests.OpenAi;

public sealed class PromptHeadersTests
{
    private const string Body = """{"model":"m","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public void The_headers_become_the_bodys_prompt_member_with_a_numeric_version_as_a_number()
    {
        var (folded, error) = Fold(Body, ("x-aimesh-prompt", "greeter"), ("x-aimesh-prompt-version", "3"), ("x-aimesh-prompt-variables", """{"name":"Zo\u00eb"}"""));

        Assert.Null(error);
        var prompt = JsonNode.Parse(folded!)!["prompt"]!;
        Assert.Equal("""{"id":"greeter","version":3,"variables":{"name":"Zoë"}}""", prompt.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.Equal("hi", JsonNode.Parse(folded!)!["messages"]![0]!["content"]!.GetValue<string>());
    }

    [Fact]
    public void Without_prompt_headers_the_body_is_passed_on_as_it_came()
    {
        var bytes = Encoding.UTF8.GetBytes(Body);
        var (folded, error) = PromptHeaders.Fold(new HeaderDictionary(), bytes, 64);
        Assert.Null(error);
        Assert.Same(bytes, folded);
    }

    [Theory]
    [InlineData("""{"model":"m","prompt":{"id":"a"}}""", "x-aimesh-prompt", "prompt")]
    [InlineData(Body, "x-aimesh-prompt-variables", "x-aimesh-prompt-variables")]
    [InlineData(Body, "x-aimesh-prompt-label", "x-aimesh-prompt-label")]
    public void A_prompt_named_twice_or_a_header_without_the_prompts_name_is_refused(string body, string header, string param)
    {
        var headers = header == "x-aimesh-prompt" ? new[] { (header, "greeter") } : [(header, "x")];
        var (_, error) = Fold(body, headers);
        Assert.Equal((400, param), (error!.Status, error.Param));
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("not json")]
    public void Variables_that_are_not_a_json_object_are_refused_naming_the_header(string variables)
    {
        var (_, error) = Fold(Body, ("x-aimesh-prompt", "greeter"), ("x-aimesh-prompt-variables", variables));
        Assert.Equal((400, "x-aimesh-prompt-variables"), (error!.Status, error.Param));
    }

    private static (byte[]? Body, ApiError? Error) Fold(string body, params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary[name] = value;
        }

        return PromptHeaders.Fold(dictionary, Encoding.UTF8.GetBytes(body), 64);
    }
}
