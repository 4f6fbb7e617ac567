using System.Security.Cryptography;
using System.Text;
using AiMesh.Ingress.Http;
using Microsoft.AspNetCore.Http;

namespace AiMesh.Ingress.Tests.Http;

public sealed class ClientCredentialTests
{
    // SHA-256("abc"), the FIPS 180-2 test vector.
    private const string AbcHash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Theory]
    [InlineData("Authorization", "Bearer abc")]
    [InlineData("Authorization", "bearer abc")]
    [InlineData("Authorization", "BEARER   abc  ")]
    [InlineData("x-api-key", "abc")]
    [InlineData("x-api-key", " abc ")]
    [InlineData("api-key", "abc")]
    public void The_credential_is_read_from_any_of_the_headers_and_only_its_sha256_hex_is_returned(string header, string value)
    {
        var http = new DefaultHttpContext();
        http.Request.Headers[header] = value;

        Assert.Equal((AbcHash, null), ClientCredential.Check(http.Request));
    }

    [Fact]
    public void The_hash_is_64_lower_case_hex_digits_of_the_utf8_secret()
    {
        const string secret = "sk-ÄÖü-🙂-0123456789";
        var http = new DefaultHttpContext();
        http.Request.Headers.Authorization = "Bearer " + secret;

        var hash = ClientCredential.Check(http.Request).Hash!;

        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), hash);
        Assert.DoesNotContain(secret, hash, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_different_keys_in_the_two_headers_are_refused_with_401()
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.Authorization = "Bearer abc";
        http.Request.Headers["x-api-key"] = "other";

        var (hash, error) = ClientCredential.Check(http.Request);

        Assert.Null(hash);
        Assert.Same(ClientCredential.Conflicting, error);
        Assert.Equal(401, error!.Status);
        Assert.DoesNotContain("abc", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("other", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authorization", "Bearer abc", "api-key", "other")]
    [InlineData("x-api-key", "abc", "api-key", "other")]
    public void A_different_key_in_the_api_key_header_is_refused_too(string header, string value, string second, string other)
    {
        var http = new DefaultHttpContext();
        http.Request.Headers[header] = value;
        http.Request.Headers[second] = other;

        Assert.Same(ClientCredential.Conflicting, ClientCredential.Check(http.Request).Error);
    }

    [Fact]
    public void The_same_key_in_all_three_headers_is_that_key()
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.Authorization = "Bearer abc";
        http.Request.Headers["x-api-key"] = "abc";
        http.Request.Headers["api-key"] = "abc ";

        Assert.Equal((AbcHash, null), ClientCredential.Check(http.Request));
    }

    [Fact]
    public void The_same_key_in_both_headers_is_that_key()
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.Authorization = "Bearer abc";
        http.Request.Headers["x-api-key"] = " abc";

        Assert.Equal((AbcHash, null), ClientCredential.Check(http.Request));
    }

    [Fact]
    public void A_non_bearer_authorization_falls_back_to_the_api_key_header()
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.Authorization = "Basic dXNlcjpwYXNz";
        http.Request.Headers["x-api-key"] = "abc";

        Assert.Equal((AbcHash, null), ClientCredential.Check(http.Request));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("Bearer ", null)]
    [InlineData("Bearer     ", null)]
    [InlineData("Basic dXNlcjpwYXNz", null)]
    [InlineData("Bearer", null)]
    [InlineData(null, "")]
    [InlineData(null, "   ")]
    public void Without_a_credential_there_is_no_hash_but_a_401(string? authorization, string? apiKey)
    {
        var http = new DefaultHttpContext();
        if (authorization is not null)
        {
            http.Request.Headers.Authorization = authorization;
        }

        if (apiKey is not null)
        {
            http.Request.Headers["x-api-key"] = apiKey;
        }

        Assert.Equal((null, ClientCredential.Missing), ClientCredential.Check(http.Request));
    }
}
