using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests.Gemini;

public sealed class VertexMockTests : GoogleMockTest
{
    private const string Path = "v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent";

    [Fact]
    public async Task Exchanges_a_signed_assertion_for_a_token_the_vertex_routes_accept()
    {
        using var tokenResponse = await PostTokenAsync(Account.Assertion(new Uri(Mock.BaseAddress, "token").ToString()));
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        using var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync());
        Assert.Equal(("Bearer", 3599), (token.RootElement.GetProperty("token_type").GetString(), token.RootElement.GetProperty("expires_in").GetInt32()));
        var accessToken = token.RootElement.GetProperty("access_token").GetString()!;

        var (response, json) = await PostGoogleAsync(Path, Generate("hi"), key: null, bearer: accessToken, scenario: "tokens=2");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("This is", json.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts")[0].GetProperty("text").GetString());

        var recorded = Mock.Recorder.Snapshot();
        Assert.Equal(["/token", "/" + Path], recorded.Select(r => r.Path));
        Assert.Contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer", recorded[0].Body, StringComparison.Ordinal);
        Assert.Equal("Bearer " + accessToken, recorded[1].Headers["authorization"]);
    }

    [Fact]
    public async Task Streams_on_the_vertex_path_too()
    {
        var token = await TokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, Path.Replace(":generateContent", ":streamGenerateContent?alt=sse", StringComparison.Ordinal))
        {
            Content = JsonBody(Generate("hi")),
        };
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("x-mock-scenario", "tokens=3");
        using var response = await Http.SendAsync(request);
        var events = (await response.Content.ReadAsStringAsync()).Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, events.Length);
        Assert.Contains("\"finishReason\":\"STOP\"", events[^1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("ya29.not-issued-here")]
    public async Task Refuses_a_call_without_a_token_it_issued(string? bearer)
    {
        var (response, json) = await PostGoogleAsync(Path, Generate("hi"), key: Key, bearer: bearer);
        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (response.StatusCode, GoogleError(json).Status));
    }

    [Fact]
    public async Task Refuses_an_assertion_signed_by_another_key()
    {
        using var other = RSA.Create(2048);
        using var response = await PostTokenAsync(Account.Assertion(new Uri(Mock.BaseAddress, "token").ToString(), signer: other));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(("invalid_grant", "Invalid JWT Signature."), (json.RootElement.GetProperty("error").GetString(), json.RootElement.GetProperty("error_description").GetString()));
    }

    [Theory]
    [InlineData("audience")]
    [InlineData("expired")]
    [InlineData("too long")]
    [InlineData("future")]
    [InlineData("no issuer")]
    [InlineData("not a jwt")]
    public async Task Refuses_an_assertion_whose_claims_google_would_refuse(string spoiled)
    {
        var audience = new Uri(Mock.BaseAddress, "token").ToString();
        var assertion = spoiled switch
        {
            "audience" => Account.Assertion("https://oauth2.googleapis.com/token"),
            "expired" => Account.Assertion(audience, issued: DateTimeOffset.UtcNow.AddHours(-2)),
            "too long" => Account.Assertion(audience, lifetime: TimeSpan.FromHours(2)),
            "future" => Account.Assertion(audience, issued: DateTimeOffset.UtcNow.AddHours(1)),
            "no issuer" => Account.Assertion(audience, issuer: null),
            _ => "abc.def",
        };
        using var response = await PostTokenAsync(assertion);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_grant", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, Mock.Recorder.Snapshot().Count(r => r.StatusCode == 200));
    }

    [Fact]
    public async Task The_token_endpoint_under_a_scenario_prefix_takes_that_url_as_its_audience_and_can_fail()
    {
        var prefixed = new Uri(Mock.ScenarioAddress("tag=t"), "token").ToString();
        using (var ok = await PostTokenAsync(Account.Assertion(prefixed), prefixed))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var failing = new Uri(Mock.ScenarioAddress("status=503"), "token").ToString();
        using var failed = await PostTokenAsync(Account.Assertion(failing), failing);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Contains("\"error\":\"server_error\"", await failed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mock_without_a_trusted_key_refuses_every_assertion()
    {
        await using var bare = await MockProviderServer.StartAsync();
        using var http = new HttpClient { BaseAddress = bare.BaseAddress };
        using var response = await http.PostAsync("token", new FormUrlEncodedContent(
            [new("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), new("assertion", Account.Assertion(new Uri(bare.BaseAddress, "token").ToString()))]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
