using System.Diagnostics;

namespace AiMesh.Bench.StreamChannels.Producer;

/// <summary>
/// Spaces chunks like a model's tokens: the next one goes at least the pace after the previous send, never in a
/// burst to catch up after a late timer, so each paced chunk travels alone.
/// </summary>
internal static class Pacer
{
    public static Task WaitAsync(long previousSent, TimeSpan pace, CancellationToken cancellationToken)
    {
        if (pace <= TimeSpan.Zero || previousSent == 0)
        {
            return Task.CompletedTask;
        }

        var remaining = pace - Stopwatch.GetElapsedTime(previousSent);
        return remaining > TimeSpan.Zero ? Task.Delay(remaining, cancellationToken) : Task.CompletedTask;
    }
}
