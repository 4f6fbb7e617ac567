using AiMesh.Hosting.Streams;
using Microsoft.Extensions.Configuration;

namespace AiMesh.Ingress.Tests.Relay;

public sealed class StreamChannelKeyTests
{
    private const string Secret = "a-test-channel-key-of-forty-characters!!";

    [Fact]
    public void A_token_opens_its_own_request_and_no_other()
    {
        var key = Key(Secret);
        var request = Guid.NewGuid();
        var token = key.TokenFor(request);

        Assert.True(key.Verify(request, token));
        Assert.False(key.Verify(Guid.NewGuid(), token));
        // A character that carries six bits of the MAC (the 43rd carries four plus two padding bits, so changing only
        // those would still decode to the same MAC).
        Assert.False(key.Verify(request, (token[0] == 'A' ? 'B' : 'A') + token[1..]));
        Assert.False(key.Verify(request, ""));
        Assert.False(key.Verify(request, null));
        Assert.False(key.Verify(request, "not base64 at all %%%"));
    }

    [Fact]
    public void Another_key_does_not_accept_the_token()
    {
        var request = Guid.NewGuid();
        Assert.False(Key(Secret + "-other").Verify(request, Key(Secret).TokenFor(request)));
    }

    [Fact]
    public void Without_a_key_there_is_no_channel_and_a_short_key_is_refused()
    {
        var none = Key(null);
        Assert.False(none.IsAvailable);
        Assert.False(none.Verify(Guid.NewGuid(), "AAAA"));
        var refused = Assert.Throws<InvalidOperationException>(() => Key("short"));
        Assert.Contains(StreamChannelKey.Variable, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_token_does_not_contain_the_key()
    {
        var token = Key(Secret).TokenFor(Guid.NewGuid());
        Assert.DoesNotContain("channel", token, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(43, token.Length);
    }

    private static StreamChannelKey Key(string? value) => new(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [StreamChannelKey.Variable] = value })
        .Build());
}
