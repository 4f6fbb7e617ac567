using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AiMesh.MockProvider.Bedrock;

namespace AiMesh.MockProvider.Tests.Bedrock;

/// <summary>Sends Bedrock requests to the mock signed with its test credentials, and reads its event streams.</summary>
internal static class BedrockClient
{
    public const string Model = "anthropic.claude-3-haiku-20240307-v1:0";

    /// <param name="path">Relative to the mock's root, e.g. <c>model/…%3A0/converse</c>.</param>
    public static HttpRequestMessage Signed(Uri root, string path, string body, string secret = "mock/bedrock+secret/for+tests+only", string? scenario = null)
    {
        var uri = new Uri(root, path);
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var amzDate = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.Add("x-amz-date", amzDate);
        if (scenario is not null)
        {
            request.Headers.Add("x-mock-scenario", scenario);
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        var signature = SigV4Verifier.Sign("POST", uri.AbsolutePath, "", [("host", uri.Authority), ("x-amz-date", amzDate)], hash, secret, amzDate, "us-east-1");
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential=AKIDMOCKBEDROCK/{amzDate[..8]}/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature={signature}");
        return request;
    }

    public static string ModelPath(string action, string model = Model) => $"model/{Uri.EscapeDataString(model)}/{action}";

    /// <summary>Reads every message, checking both checksums: (message type, event or exception type, payload).</summary>
    public static List<(string MessageType, string Type, JsonElement Payload)> ReadFrames(byte[] stream)
    {
        var frames = new List<(string, string, JsonElement)>();
        for (var at = 0; at < stream.Length;)
        {
            var message = stream.AsSpan(at);
            var total = (int)BinaryPrimitives.ReadUInt32BigEndian(message);
            var headersLength = (int)BinaryPrimitives.ReadUInt32BigEndian(message[4..]);
            Assert.Equal(Crc32.HashToUInt32(message[..8]), BinaryPrimitives.ReadUInt32BigEndian(message[8..]));
            Assert.Equal(Crc32.HashToUInt32(message[..(total - 4)]), BinaryPrimitives.ReadUInt32BigEndian(message[(total - 4)..]));
            var headers = new Dictionary<string, string>();
            for (var h = message.Slice(12, headersLength); !h.IsEmpty;)
            {
                var name = Encoding.UTF8.GetString(h.Slice(1, h[0]));
                Assert.Equal(7, h[1 + h[0]]);
                var length = BinaryPrimitives.ReadUInt16BigEndian(h[(2 + h[0])..]);
                headers[name] = Encoding.UTF8.GetString(h.Slice(4 + h[0], length));
                h = h[(4 + h[0] + length)..];
            }

            Assert.Equal("application/json", headers[":content-type"]);
            var payload = JsonDocument.Parse(message[(12 + headersLength)..(total - 4)].ToArray()).RootElement.Clone();
            frames.Add((headers[":message-type"], headers.GetValueOrDefault(":event-type") ?? headers[":exception-type"], payload));
            at += total;
        }

        return frames;
    }
}
