using System.Diagnostics;
using System.Globalization;
using AiMesh.Bench.StreamChannels.Report;

namespace AiMesh.Bench.StreamChannels.Producer;

/// <summary>
/// CPU seconds (user + system, children included) of the producer, the consumer and the broker, from
/// /proc/&lt;pid&gt;/stat as bench/lib/cputime.py reads them, and the bytes the producer's TCP sockets sent and the
/// consumer's received, from <c>ss -tinp</c> (the kernel's per-socket counters; /proc/&lt;pid&gt;/io does not count
/// socket traffic). The broker's processes are found once, at start; the reads are ordered so that the driver's own
/// work of measuring (reading the broker's processes, starting <c>ss</c>) falls outside what it charges to itself.
/// </summary>
internal sealed class ProcessMeter
{
    private readonly double _ticksPerSecond;
    private readonly int _consumer;
    private readonly int[] _broker;

    public ProcessMeter(int consumerProcessId, string brokerUser, int ticksPerSecond)
    {
        _ticksPerSecond = ticksPerSecond;
        _consumer = consumerProcessId;
        _broker = ProcessesOf(brokerUser);
    }

    public int BrokerProcesses => _broker.Length;

    public async Task<ProcessUsage> StartAsync(CancellationToken cancellationToken)
    {
        var (sent, received) = await SocketBytesAsync(cancellationToken);
        var broker = Seconds(_broker);
        var consumer = Seconds(_consumer);
        var producer = Seconds(Environment.ProcessId);
        return new ProcessUsage(producer, consumer, broker, sent, received);
    }

    public async Task<ProcessUsage> StopAsync(ProcessUsage start, CancellationToken cancellationToken)
    {
        var producer = Seconds(Environment.ProcessId);
        var consumer = Seconds(_consumer);
        var broker = Seconds(_broker);
        var (sent, received) = await SocketBytesAsync(cancellationToken);
        return new ProcessUsage(producer - start.Producer, consumer - start.Consumer, broker - start.Broker,
            sent - start.ProducerSent, received - start.ConsumerReceived);
    }

    /// <summary>Bytes sent by the producer's TCP sockets and received by the consumer's, as <c>ss</c> lists them now.</summary>
    private async Task<(long Sent, long Received)> SocketBytesAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("ss", "-tinpH") { RedirectStandardOutput = true, UseShellExecute = false };
        using var ss = Process.Start(start) ?? throw new InvalidOperationException("ss (iproute2) did not start.");
        var output = await ss.StandardOutput.ReadToEndAsync(cancellationToken);
        await ss.WaitForExitAsync(cancellationToken);

        // One socket is a line with its addresses and owner ("users:((\"dotnet\",pid=123,fd=45))"), then an
        // indented line of counters ("bytes_sent:1203 ... bytes_received:811").
        long sent = 0, received = 0;
        int? owner = null;
        foreach (var line in output.Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (!char.IsWhiteSpace(line[0]))
            {
                owner = line.Contains($"pid={Environment.ProcessId},", StringComparison.Ordinal) ? Environment.ProcessId
                    : line.Contains($"pid={_consumer},", StringComparison.Ordinal) ? _consumer
                    : null;
                continue;
            }

            if (owner == Environment.ProcessId)
            {
                sent += Counter(line, "bytes_sent:");
            }
            else if (owner == _consumer)
            {
                received += Counter(line, "bytes_received:");
            }
        }

        return (sent, received);
    }

    private static long Counter(string line, string name)
    {
        var at = line.IndexOf(name, StringComparison.Ordinal);
        if (at < 0)
        {
            return 0; // a socket that has not moved data in that direction
        }

        var digits = line.AsSpan(at + name.Length);
        var end = digits.IndexOf(' ');
        return long.Parse(end < 0 ? digits : digits[..end], CultureInfo.InvariantCulture);
    }

    private double Seconds(IEnumerable<int> processIds) => processIds.Sum(Seconds);

    private double Seconds(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0; // gone: a broker helper that exited; its time went with it
        }

        // The command name is parenthesised and may contain spaces: fields count from after the last ')'.
        // There field 3 (state) is index 0, so utime, stime, cutime, cstime (fields 14..17) are indices 11..14.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = 0;
        for (var i = 11; i <= 14; i++)
        {
            ticks += long.Parse(fields[i], CultureInfo.InvariantCulture);
        }

        return ticks / _ticksPerSecond;
    }

    private static int[] ProcessesOf(string user)
    {
        var entry = File.ReadLines("/etc/passwd").Select(line => line.Split(':')).FirstOrDefault(f => f.Length > 2 && f[0] == user);
        if (entry is null)
        {
            return [];
        }

        var uid = entry[2];
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // "Uid:\treal\teffective\tsaved\tfs": the real uid, as ownership of /proc/<pid> in cputime.py.
                var line = File.ReadLines($"{directory}/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                if (line is not null && line.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == uid)
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
            {
                // exited while listed
            }
        }

        return [.. found];
    }
}
