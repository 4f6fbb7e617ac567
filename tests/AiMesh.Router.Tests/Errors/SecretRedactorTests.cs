using AiMesh.Router.Errors;

namespace AiMesh.Router.Tests.Errors;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("Incorrect API key provided: sk-proj-AbCdEf1234567890XyZ.", "sk-proj-AbCdEf1234567890XyZ")]
    [InlineData("invalid x-api-key sk-ant-api03-abcdefghijklmnop", "sk-ant-api03-abcdefghijklmnop")]
    [InlineData("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl rejected", "eyJhbGciOiJIUzI1NiJ9")]
    [InlineData("bearer abc.def-ghi rejected", "abc.def-ghi")]
    [InlineData("key AKIAIOSFODNN7EXAMPLE is unknown", "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("token 0123456789abcdef0123456789abcdef0123 expired", "0123456789abcdef0123456789abcdef0123")]
    [InlineData("token dGhpcyBpcyBhIHNlY3JldCB0b2tlbiB2YWx1ZQ== expired", "dGhpcyBpcyBhIHNlY3JldCB0b2tlbiB2YWx1ZQ")]
    [InlineData("AIzaSyA-1234567890abcdefghijklmnopqrstu is invalid", "AIzaSyA-1234567890abcdefghijklmnopqrstu")]
    public void Removes_what_looks_like_a_credential(string text, string secret)
    {
        var redacted = SecretRedactor.Redact(text);
        Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        Assert.Contains(SecretRedactor.Mask, redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Removes_the_deployment_key_even_when_it_looks_harmless()
    {
        Assert.Equal("key [redacted] is wrong", SecretRedactor.Redact("key local-dev is wrong", "local-dev"));
    }

    [Theory]
    [InlineData("This model's maximum context length is 128000 tokens.")]
    [InlineData("Invalid value for 'temperature': expected a number between 0 and 2.")]
    [InlineData("The model `gpt-4o-mini` does not exist or you do not have access to it.")]
    public void Leaves_ordinary_messages_alone(string text)
    {
        Assert.Equal(text, SecretRedactor.Redact(text));
    }

    [Fact]
    public void Removes_control_characters_and_caps_the_length()
    {
        var redacted = SecretRedactor.Redact("line\r\nbreak\u0000" + new string('a', 10) + " " + string.Join(' ', Enumerable.Repeat("word", 300)));
        Assert.DoesNotContain('\n', redacted);
        Assert.DoesNotContain('\0', redacted);
        Assert.True(redacted.Length <= SecretRedactor.MaxLength + 1);
    }
}
