using System.Net;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests.Bedrock;

public sealed class BedrockRouteTests : MockProviderTest
{
    private const string Hello = """{"system":[{"text":"be brief"}],"messages":[{"role":"user","content":[{"text":"hello world"}]}]}""";
    private const string ToolRequest = """
        {"messages":[{"role":"user","content":[{"text":"weather?"}]}],
         "toolConfig":{"tools":[{"toolSpec":{"name":"get_weather","inputSchema":{"json":{"type":"object"}}}}],"toolChoice":{"any":{}}}}
        """;

    [Fact]
    public async Task Refuses_an_unsigned_request_as_aws_does()
    {
        using var response = await Http.PostAsync(BedrockClient.ModelPath("converse"), JsonBody(Hello));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.StartsWith("MissingAuthenticationTokenException:", response.Headers.GetValues("x-amzn-ErrorType").Single(), StringComparison.Ordinal);
        Assert.Equal("Missing Authentication Token", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Refuses_a_signature_made_with_another_secret_or_over_another_body()
    {
        using var wrongSecret = await Http.SendAsync(BedrockClient.Signed(Mock.BaseAddress, BedrockClient.ModelPath("converse"), Hello, secret: "other"));
        Assert.Equal(HttpStatusCode.Forbidden, wrongSecret.StatusCode);
        Assert.StartsWith("InvalidSignatureException:", wrongSecret.Headers.GetValues("x-amzn-ErrorType").Single(), StringComparison.Ordinal);

        using var changed = BedrockClient.Signed(Mock.BaseAddress, BedrockClient.ModelPath("converse"), Hello);
        changed.Content = JsonBody(Hello.Replace("hello", "HELLO", StringComparison.Ordinal));
        using var changedBody = await Http.SendAsync(changed);
        Assert.Equal(HttpStatusCode.Forbidden, changedBody.StatusCode);
    }

    [Fact]
    public async Task Answers_converse_with_the_planned_reply()
    {
        using var response = await Http.SendAsync(BedrockClient.Signed(Mock.BaseAddress, BedrockClient.ModelPath("converse"), Hello));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var content = json.GetProperty("output").GetProperty("message").GetProperty("content");
        Assert.Equal("This is a deterministic reply from the AiMesh", content[0].GetProperty("text").GetString());
        Assert.Equal("end_turn", json.GetProperty("stopReason").GetString());
        Assert.Equal((4, 8, 12), (json.GetProperty("usage").GetProperty("inputTokens").GetInt32(), json.GetProperty("usage").GetProperty("outputTokens").GetInt32(),
            json.GetProperty("usage").GetProperty("totalTokens").GetInt32()));
        var recorded = Assert.Single(Mock.Recorder.Snapshot());
        Assert.Equal($"/model/{BedrockClient.Model}/converse", recorded.Path);
    }

    [Fact]
    public async Task Answers_a_forced_tool_choice_with_a_tool_use()
    {
        using var response = await Http.SendAsync(BedrockClient.Signed(Mock.BaseAddress, BedrockClient.ModelPath("converse"), ToolRequest));

        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var toolUse = json.GetProperty("output").GetProperty("message").GetProperty("content")[0].GetProperty("toolUse");
        Assert.Equal(("tooluse_mock_1", "get_weather", """{"mock":true}"""), (toolUse.GetProperty("toolUseId").GetString(), toolUse.GetProperty("name").GetString(), toolUse.GetProperty("input").GetRawText()));
        Assert.Equal("tool_use", json.GetProperty("stopReason").GetString());
    }

    [Fact]
    public async Task Refuses_tool_blocks_without_a_tool_config()
    {
        const string body = """{"messages":[{"role":"user","content":[{"toolResult":{"toolUseId":"t","content":[{"text":"x"}]}}]}]}""";
        using var response = await Http.SendAsync(BedrockClient.Signed(Mock.BaseAddress, BedrockClient.ModelPath("converse"), body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("ValidationException:", response.Headers.GetValues("x-amzn-ErrorType").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streams_the_reply_as_checksummed_event_stream_frames()
    {
        using var response = await Http.SendAsync(BedrockClient.Signed(Mock.BaseAddress, BedrockClient.ModelPath("converse-stream"), Hello, scenario: "tokens=3"));

        Assert.Equal("application/vnd.amazon.eventstream", response.Content.Headers.ContentType!.MediaType);
        var frames = BedrockClient.ReadFrames(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(["messageStart", "contentBlockDelta", "contentBlockDelta", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"], frames.Select(f => f.Type));
        Assert.All(frames, f => Assert.Equal("event", f.MessageType));
        Assert.All(frames, f => Assert.True(f.Payload.GetProperty("p").GetString()!.Length > 0));
        Assert.Equal("This is a", string.Concat(frames.Where(f => f.Type == "contentBlockDelta").Select(f => f.Payload.GetProperty("delta").GetProperty("text").GetString())));
        Assert.Equal("end_turn", frames[5].Payload.GetProperty("stopReason").GetString());
        Assert.Equal(3, frames[6].Payload.GetProperty("usage").GetProperty("outputTokens").GetInt32());
    }

    [Fact]
    public async Task Streams_a_tool_use_start_and_its_input_in_pieces()
    {
        using var response = await Http.SendAsync(BedrockClient.Signed(Mock.BaseAddress, BedrockClient.ModelPath("converse-stream"), ToolRequest));

        var frames = BedrockClient.ReadFrames(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("get_weather", frames[1].Payload.GetProperty("start").GetProperty("toolUse").GetProperty("name").GetString());
        Assert.Equal("""{"mock":true}""", string.Concat(frames.Where(f => f.Type == "contentBlockDelta").Select(f => f.Payload.GetProperty("delta").GetProperty("toolUse").GetProperty("input").GetString())));
        Assert.Equal("tool_use", frames[^2].Payload.GetProperty("stopReason").GetString());
    }

    [Fact]
    public async Task Sends_an_exception_event_instead_of_the_stop()
    {
        using var response = await Http.SendAsync(BedrockClient.Signed(Mock.BaseAddress, BedrockClient.ModelPath("converse-stream"), Hello, scenario: "tokens=2;streamError=modelStreamErrorException"));

        var frames = BedrockClient.ReadFrames(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(("exception", "modelStreamErrorException"), (frames[^1].MessageType, frames[^1].Type));
        Assert.DoesNotContain(frames, f => f.Type == "messageStop");
    }

    [Fact]
    public async Task Cuts_a_stream_in_the_middle_of_a_frame()
    {
        using var response = await Http.SendAsync(
            BedrockClient.Signed(Mock.BaseAddress, BedrockClient.ModelPath("converse-stream"), Hello, scenario: "tokens=5;cutAfter=2"), HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var received = new MemoryStream();
        await Assert.ThrowsAnyAsync<IOException>(() => stream.CopyToAsync(received));

        var bytes = received.ToArray();
        var whole = 0;
        var complete = 0;
        while (whole + 4 <= bytes.Length && whole + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(whole)) <= bytes.Length)
        {
            whole += (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(whole));
            complete++;
        }

        // messageStart and two deltas whole, then part of the third.
        Assert.Equal(3, complete);
        Assert.True(bytes.Length > whole);
    }

    [Fact]
    public async Task A_status_scenario_answers_with_the_aws_error_and_no_retry_after()
    {
        using var response = await Http.SendAsync(BedrockClient.Signed(Mock.BaseAddress, BedrockClient.ModelPath("converse"), Hello, scenario: "status=429"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.False(response.Headers.Contains("Retry-After"));
        Assert.Equal("Too many requests, please wait before trying again.",
            JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Embeds_with_titan_and_cohere_bodies()
    {
        using var titan = await Http.SendAsync(BedrockClient.Signed(Mock.BaseAddress, BedrockClient.ModelPath("invoke", "amazon.titan-embed-text-v2:0"),
            """{"inputText":"hello world","dimensions":256}"""));
        var titanJson = JsonDocument.Parse(await titan.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((256, 2), (titanJson.GetProperty("embedding").GetArrayLength(), titanJson.GetProperty("inputTextTokenCount").GetInt32()));

        using var cohere = await Http.SendAsync(BedrockClient.Signed(Mock.BaseAddress, BedrockClient.ModelPath("invoke", "cohere.embed-english-v3"),
            """{"texts":["a","b","a"],"input_type":"search_document"}"""));
        var embeddings = JsonDocument.Parse(await cohere.Content.ReadAsStringAsync()).RootElement.GetProperty("embeddings");
        Assert.Equal(3, embeddings.GetArrayLength());
        Assert.Equal(embeddings[0].GetRawText(), embeddings[2].GetRawText());
        Assert.NotEqual(embeddings[0].GetRawText(), embeddings[1].GetRawText());

        using var bad = await Http.SendAsync(BedrockClient.Signed(Mock.BaseAddress, BedrockClient.ModelPath("invoke", "amazon.titan-embed-text-v2:0"), """{"inputText":"x","dimensions":100}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public void The_verifier_computes_aws_published_signatures()
    {
        // AWS SigV4 test suite (awslabs/aws-c-auth tests/aws-signing-test-suite/v4), cases post-vanilla and post-header-key-sort.
        const string empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        const string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        Assert.Equal("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b", AiMesh.MockProvider.Bedrock.SigV4Verifier.Sign(
            "POST", "/", "", [("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z")], empty, secret, "20150830T123600Z", "us-east-1", "service"));
        Assert.Equal("c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c", AiMesh.MockProvider.Bedrock.SigV4Verifier.Sign(
            "POST", "/", "", [("my-header1", "value1"), ("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z")], empty, secret, "20150830T123600Z", "us-east-1", "service"));
    }
}
