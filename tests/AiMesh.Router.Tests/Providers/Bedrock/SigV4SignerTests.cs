using AiMesh.Router.Deployments;
using AiMesh.Router.Providers.Bedrock;

namespace AiMesh.Router.Tests.Providers.Bedrock;

/// <summary>
/// The signer against AWS's Signature Version 4 test suite: inputs and expected canonical request, string to sign
/// and signature reproduced from the suite as published in awslabs/aws-c-auth (tests/aws-signing-test-suite/v4,
/// cases get-vanilla, post-vanilla, post-header-key-sort, post-x-www-form-urlencoded, post-sts-header-before and
/// get-vanilla-with-session-token; credentials AKIDEXAMPLE, region us-east-1, service "service", 2015-08-30T12:36:00Z).
/// </summary>
public sealed class SigV4SignerTests
{
    private const string Token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static TheoryData<string, string, string[], string, bool, string?, string, string, string> Vectors() => new()
    {
        {
            "get-vanilla", "GET", ["Host:example.amazonaws.com"], EmptyHash, false, null,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        },
        {
            "post-vanilla", "POST", ["Host:example.amazonaws.com"], EmptyHash, false, null,
            "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + EmptyHash,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        },
        {
            "post-header-key-sort", "POST", ["Host:example.amazonaws.com", "My-Header1:value1"], EmptyHash, false, null,
            "POST\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n" + EmptyHash,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65",
            "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"
        },
        {
            // sign_body: the body "Param1=value1" is hashed and the hash sent and signed as x-amz-content-sha256, as the adapter does.
            "post-x-www-form-urlencoded", "POST",
            ["Content-Type:application/x-www-form-urlencoded", "Host:example.amazonaws.com", "Content-Length:13"],
            "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e", true, null,
            "POST\n/\n\ncontent-length:13\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
                + "x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e\nx-amz-date:20150830T123600Z\n\n"
                + "content-length;content-type;host;x-amz-content-sha256;x-amz-date\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nb1edd1d03544c25390e32085d55b57acc9a3961bb59415ff86c45c3d89d16cfb",
            "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"
        },
        {
            "post-sts-header-before", "POST", ["Host:example.amazonaws.com"], EmptyHash, false, Token,
            "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\nx-amz-security-token:" + Token + "\n\nhost;x-amz-date;x-amz-security-token\n" + EmptyHash,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nc237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
            "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"
        },
        {
            "get-vanilla-with-session-token", "GET", ["Host:example.amazonaws.com"], EmptyHash, false, "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267",
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\nx-amz-security-token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267\n\n"
                + "host;x-amz-date;x-amz-security-token\n" + EmptyHash,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b",
            "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"
        },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Reproduces_the_aws_test_suite(string name, string method, string[] headers, string payloadHash, bool signBody, string? token,
        string canonicalRequest, string stringToSign, string signature)
    {
        var request = new SigV4Request(method, "/", "", headers.Select(h => new KeyValuePair<string, string>(h[..h.IndexOf(':', StringComparison.Ordinal)], h[(h.IndexOf(':', StringComparison.Ordinal) + 1)..])).ToArray(), payloadHash);
        var credentials = new AwsCredentials(BedrockCalls.AccessKeyId, new ApiKey(BedrockCalls.Secret), token is null ? null : new ApiKey(token));

        var signed = SigV4Signer.Sign(request, credentials, "us-east-1", "service", BedrockCalls.Now, signBody);

        Assert.Equal(canonicalRequest, signed.CanonicalRequest);
        Assert.Equal(stringToSign, signed.StringToSign);
        Assert.Equal(signature, signed.Signature);
        var signedHeaders = canonicalRequest.Split('\n')[^2];
        Assert.Equal($"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders={signedHeaders}, Signature={signature}",
            signed.Authorization);
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Fact]
    public async Task Signs_a_bedrock_request_with_the_model_id_escaped_twice_in_the_canonical_path()
    {
        var adapter = new BedrockAdapter(new FixedTime());
        using var request = adapter.BuildRequest(BedrockCalls.Call("""{"model":"claude-haiku","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse", request.RequestUri!.AbsolutePath);
        Assert.Equal("bedrock-runtime.us-east-1.amazonaws.com", request.Headers.Host);
        Assert.Equal("20150830T123600Z", request.Headers.GetValues("x-amz-date").Single());
        var body = await request.Content!.ReadAsByteArrayAsync();
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)), request.Headers.GetValues("x-amz-content-sha256").Single());

        var authorization = request.Headers.GetValues("Authorization").Single();
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock/aws4_request, "
            + "SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date, Signature=", authorization, StringComparison.Ordinal);
        Assert.DoesNotContain(BedrockCalls.Secret, authorization, StringComparison.Ordinal);

        // The canonical request escapes the already escaped path once more, as AWS does for every service but S3.
        var signed = SigV4Signer.Sign(
            new SigV4Request("POST", request.RequestUri.AbsolutePath, "", [new("host", "bedrock-runtime.us-east-1.amazonaws.com")], "x"),
            new AwsCredentials(BedrockCalls.AccessKeyId, new ApiKey(BedrockCalls.Secret)), "us-east-1", "bedrock", BedrockCalls.Now, signPayloadHeader: false);
        Assert.Equal("/model/anthropic.claude-3-haiku-20240307-v1%253A0/converse", signed.CanonicalRequest.Split('\n')[1]);
    }

    [Fact]
    public void A_deployment_with_a_bedrock_api_key_sends_it_as_a_bearer_token_instead_of_signing()
    {
        var deployment = BedrockCalls.Deployment() with { AwsCredentials = null, ApiKey = new ApiKey("bedrock-api-key") };
        using var request = new BedrockAdapter(new FixedTime()).BuildRequest(BedrockCalls.Call("""{"model":"m","messages":[]}""", deployment: deployment));

        Assert.Equal(("Bearer", "bedrock-api-key"), (request.Headers.Authorization!.Scheme, request.Headers.Authorization.Parameter));
        Assert.False(request.Headers.Contains("x-amz-date"));
    }

    [Fact]
    public void Sends_the_session_token_signed_and_never_prints_credentials()
    {
        var adapter = new BedrockAdapter(new FixedTime());
        var deployment = BedrockCalls.Deployment(sessionToken: "session-token-value");
        using var request = adapter.BuildRequest(BedrockCalls.Call("""{"model":"m","messages":[]}""", deployment: deployment));

        Assert.Equal("session-token-value", request.Headers.GetValues("x-amz-security-token").Single());
        Assert.Contains("x-amz-security-token", request.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
        Assert.Equal("[redacted]", deployment.AwsCredentials!.ToString());
        Assert.DoesNotContain(BedrockCalls.Secret, deployment.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("session-token-value", deployment.ToString(), StringComparison.Ordinal);
    }
}
