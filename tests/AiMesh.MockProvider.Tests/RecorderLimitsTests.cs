using System.Text.Json;

namespace AiMesh.MockProvider.Tests;

public sealed class RecorderLimitsTests
{
    [Fact]
    public async Task The_recording_keeps_only_the_newest_entries_up_to_the_capacity()
    {
        await using var mock = await MockProviderServer.StartAsync(new MockProviderOptions { RecordCapacity = 3 });
        using var http = new HttpClient { BaseAddress = mock.BaseAddress };
        for (var i = 0; i < 5; i++)
        {
            using var response = await http.GetAsync("v1/models");
        }

        await mock.Recorder.WaitForAsync(r => r.Id == 5, TimeSpan.FromSeconds(10));
        Assert.Equal([3L, 4L, 5L], mock.Recorder.Snapshot().Select(r => r.Id));
    }

    [Fact]
    public async Task Recording_can_be_turned_off()
    {
        await using var mock = await MockProviderServer.StartAsync(new MockProviderOptions { Record = false });
        using var http = new HttpClient { BaseAddress = mock.BaseAddress };

        using var response = await http.GetAsync("v1/models");
        var health = JsonDocument.Parse(await http.GetStringAsync("mock/health")).RootElement;

        Assert.True(response.IsSuccessStatusCode);
        Assert.False(mock.Recorder.Enabled);
        Assert.Empty(mock.Recorder.Snapshot());
        Assert.False(health.GetProperty("recording").GetBoolean());
    }

    [Fact]
    public async Task Options_set_the_defaults_and_a_fixed_port_is_honoured()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        await using var mock = await MockProviderServer.StartAsync(new MockProviderOptions { Port = port, Tokens = 2 });
        using var http = new HttpClient { BaseAddress = mock.BaseAddress };
        using var response = await http.PostAsync("v1/chat/completions",
            new StringContent("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(port, mock.BaseAddress.Port);
        Assert.Equal("127.0.0.1", mock.BaseAddress.Host);
        Assert.Equal("This is", json.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Disposing_the_handle_ends_a_stalled_stream()
    {
        var mock = await MockProviderServer.StartAsync();
        using var http = new HttpClient { BaseAddress = mock.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "s/stallAfter=0/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());
        Assert.NotNull(await sse.NextAsync());

        await mock.DisposeAsync();

        var failure = await Record.ExceptionAsync(() => sse.ReadAllAsync());
        Assert.IsAssignableFrom<IOException>(failure);
        var recorded = Assert.Single(mock.Recorder.Snapshot());
        Assert.True(recorded.Aborted);
    }
}
