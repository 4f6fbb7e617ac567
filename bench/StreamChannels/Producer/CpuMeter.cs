using System.Globalization;
using AiMesh.Bench.StreamChannels.Report;

namespace AiMesh.Bench.StreamChannels.Producer;

/// <summary>
/// CPU seconds (user + system, children included) of the producer, the consumer and the broker, from
/// /proc/&lt;pid&gt;/stat as bench/lib/cputime.py reads them. The broker's processes are found once, at start; the
/// reads are ordered so that the driver's own reading of the broker's processes falls outside what it charges
/// to itself.
/// </summary>
internal sealed class CpuMeter
{
    private readonly double _ticksPerSecond;
    private readonly int _consumer;
    private readonly int[] _broker;

    public CpuMeter(int consumerProcessId, string brokerUser, int ticksPerSecond)
    {
        _ticksPerSecond = ticksPerSecond;
        _consumer = consumerProcessId;
        _broker = ProcessesOf(brokerUser);
    }

    public int BrokerProcesses => _broker.Length;

    public CpuTimes Start()
    {
        var broker = Seconds(_broker);
        var consumer = Seconds(_consumer);
        var producer = Seconds(Environment.ProcessId);
        return new CpuTimes(producer, consumer, broker);
    }

    public CpuTimes Stop(CpuTimes start)
    {
        var producer = Seconds(Environment.ProcessId);
        var consumer = Seconds(_consumer);
        var broker = Seconds(_broker);
        return new CpuTimes(producer - start.Producer, consumer - start.Consumer, broker - start.Broker);
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
