using System.Text.Json;
using AiMesh.Hosting.Redaction;

namespace AiMesh.Ingress.Tests.Redaction;

/// <summary>The shared redactor (services/hosting/Redaction): each kind of credential goes, ordinary text stays, JSON stays JSON.</summary>
public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("my key is sk-abc123def456ghi789jkl012mno345 ok", "sk-abc123def456ghi789jkl012mno345")]
    [InlineData("use sk-ant-api03-Xy9_abcdefghijklmnopqrstuvwx please", "sk-ant-api03-Xy9_abcdefghijklmnopqrstuvwx")]
    [InlineData("key=sk-proj-AbCdEf1234567890XyZabc", "sk-proj-AbCdEf1234567890XyZabc")]
    [InlineData("the gateway key sk-aimesh-AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGhIjKlMnOpQ works", "sk-aimesh-AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGhIjKlMnOpQ")]
    [InlineData("Authorization: Bearer abcdef0123456789.token-value", "abcdef0123456789.token-value")]
    [InlineData("id AKIAIOSFODNN7EXAMPLE in us-east-1", "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("maps key AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI here", "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI")]
    [InlineData("push with ghp_16C7e42F292c6912E7710c838347Ae178B4a now", "ghp_16C7e42F292c6912E7710c838347Ae178B4a")]
    [InlineData("fine-grained github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz")]
    [InlineData("gitlab glpat-Ab12Cd34Ef56Gh78Ij90 token", "glpat-Ab12Cd34Ef56Gh78Ij90")]
    [InlineData("slack xoxb-1234567890-0987654321-AbCdEfGhIjKl bot", "xoxb-1234567890-0987654321-AbCdEfGhIjKl")]
    [InlineData("jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl end", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl")]
    [InlineData("password: hunter2!", "hunter2!")]
    [InlineData("api_key=0123456789abcdef&x=1", "0123456789abcdef")]
    [InlineData("client_secret: \"s3cr3t value\"", "s3cr3t value")]
    [InlineData("{\"token\": \"opaque-session-value\"}", "opaque-session-value")]
    [InlineData("Authorization=Basic-dXNlcjpwYXNz", "Basic-dXNlcjpwYXNz")]
    public void Masks_each_kind_of_credential_in_text(string text, string secret)
    {
        var redacted = SecretRedactor.RedactText(text);

        Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        Assert.Contains(SecretRedactor.Mask, redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Masks_a_pem_private_key_block_whole()
    {
        var text = "here:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1234\nabcd\n-----END RSA PRIVATE KEY-----\nthanks";

        var redacted = SecretRedactor.RedactText(text);

        Assert.Equal("here:\n[redacted]\nthanks", redacted);
    }

    [Fact]
    public void Masks_a_private_key_block_cut_before_its_end()
    {
        Assert.Equal("key [redacted]", SecretRedactor.RedactText("key -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC"));
    }

    [Fact]
    public void Masks_the_callers_own_key_wherever_it_is_even_when_it_looks_harmless()
    {
        Assert.Equal("my key is [redacted], really [redacted]", SecretRedactor.RedactText("my key is local-dev-key, really local-dev-key", "local-dev-key"));
    }

    [Theory]
    [InlineData("Summarise the attached report in three bullet points, please.")]
    [InlineData("The deployment 3f2b8c1e-9d4a-4b7e-8f21-6a5c0d9e7b13 failed at 10:42; see request 0d8f6e2a-1b3c-4d5e-9f80-a1b2c3d4e5f6.")]
    [InlineData("for (var i = 0; i < items.Length; i++) { total += items[i].Price * items[i].Quantity; }")]
    [InlineData("sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    [InlineData("We used sk-learn and the skeleton key metaphor; max_tokens: 512 and tokens are counted.")]
    [InlineData("Ask for a password reset link; never share it.")]
    [InlineData("git commit -m \"fix: the parser\" && dotnet test")]
    public void Leaves_ordinary_text_code_uuids_and_hashes_alone(string text)
    {
        Assert.Equal(text, SecretRedactor.RedactText(text));
    }

    [Fact]
    public void Json_stays_valid_and_keeps_everything_but_the_secrets()
    {
        var body = """
            {"model":"gpt-4o-mini","temperature":0.25,"stream":true,"n":1,"stop":null,
             "messages":[{"role":"user","content":"Deploy with key sk-abc123def456ghi789jkl012 and {\"password\": \"hunter2\"} — thanks, Zoë"}],
             "metadata":{"api_key":"plain-value","nested":{"Authorization":{"scheme":"Basic","value":"dXNlcjpwYXNz"}},"trace":"3f2b8c1e-9d4a-4b7e-8f21-6a5c0d9e7b13"},
             "max_tokens":512}
            """;

        var redacted = SecretRedactor.RedactJson(body);

        using var document = JsonDocument.Parse(redacted);
        var root = document.RootElement;
        Assert.Equal("gpt-4o-mini", root.GetProperty("model").GetString());
        Assert.Equal(0.25, root.GetProperty("temperature").GetDouble());
        Assert.True(root.GetProperty("stream").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("stop").ValueKind);
        Assert.Equal(512, root.GetProperty("max_tokens").GetInt32());
        var content = root.GetProperty("messages")[0].GetProperty("content").GetString()!;
        Assert.DoesNotContain("sk-abc123def456ghi789jkl012", content, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", content, StringComparison.Ordinal);
        Assert.StartsWith("Deploy with key [redacted] and {\"password\": \"[redacted]\"}", content, StringComparison.Ordinal);
        Assert.EndsWith("thanks, Zoë", content, StringComparison.Ordinal);
        var metadata = root.GetProperty("metadata");
        Assert.Equal(SecretRedactor.Mask, metadata.GetProperty("api_key").GetString());
        Assert.Equal(SecretRedactor.Mask, metadata.GetProperty("nested").GetProperty("Authorization").GetString());
        Assert.Equal("3f2b8c1e-9d4a-4b7e-8f21-6a5c0d9e7b13", metadata.GetProperty("trace").GetString());
        Assert.Contains("Zoë", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_without_secrets_comes_back_equal()
    {
        var body = """{"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there."},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":3}}""";

        Assert.Equal(body, SecretRedactor.RedactJson(body));
    }

    [Fact]
    public void Text_that_is_not_json_is_redacted_as_text()
    {
        var cut = """{"messages":[{"role":"user","content":"key sk-abc123def456ghi789jkl012 and \"password\": \"hunter2\" then more""";

        var redacted = SecretRedactor.RedactJson(cut);

        Assert.DoesNotContain("sk-abc123def456ghi789jkl012", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", redacted, StringComparison.Ordinal);
        Assert.StartsWith("""{"messages":[{"role":"user","content":"key [redacted]""", redacted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("password", true)]
    [InlineData("api_key", true)]
    [InlineData("X-Api-Key", true)]
    [InlineData("client_secret", true)]
    [InlineData("access_token", true)]
    [InlineData("Authorization", true)]
    [InlineData("max_tokens", false)]
    [InlineData("prompt_tokens", false)]
    [InlineData("content", false)]
    [InlineData("secretary", false)]
    public void Knows_which_field_names_hold_secrets(string name, bool sensitive)
    {
        Assert.Equal(sensitive, SecretRedactor.IsSensitiveName(name));
    }
}
