using AiMesh.Router.Configuration;

namespace AiMesh.Router.Admission;

/// <summary>
/// The start-up checks of <c>Router:Admission</c>, for <see cref="RouterOptionsValidator"/> (every error at once). The
/// one that matters most: waiters hold consumer slots of the router endpoint (<c>Routing/RouterEndpoint.cs</c>), so the
/// replica's bound on them must leave slots for the calls that give capacity back.
/// </summary>
internal static class AdmissionValidation
{
    public const int LargestPriority = 1000;

    public static void Check(List<string> errors, RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(options);
        var admission = options.Admission;
        var at = $"{RouterOptions.Section}:Admission";
        if (admission.MaxWaiting is < 1 or > 100_000)
        {
            errors.Add($"{at}:MaxWaiting must be from 1 to 100000 (turn waiting off with {at}:Enabled false).");
        }

        if (admission.MaxWaitingTotal is { } total && (total < 1 || total >= options.MaxConcurrentCalls))
        {
            errors.Add($"{at}:MaxWaitingTotal must be at least 1 and below {RouterOptions.Section}:MaxConcurrentCalls: every waiting request holds one of the router endpoint's consumer slots.");
        }

        if (admission.MaxWait <= TimeSpan.Zero || admission.MaxWait > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{at}:MaxWait must be greater than zero and at most ten minutes.");
        }

        if (admission.MinTimeForCall < TimeSpan.Zero || admission.MinTimeForCall > TimeSpan.FromHours(1))
        {
            errors.Add($"{at}:MinTimeForCall must be from zero to one hour.");
        }

        if (admission.PollInterval != TimeSpan.Zero && (admission.PollInterval < TimeSpan.FromMilliseconds(10) || admission.PollInterval > TimeSpan.FromMinutes(1)))
        {
            errors.Add($"{at}:PollInterval must be 0 (no polling) or from 10 ms to one minute.");
        }

        for (var i = 0; i < admission.Priorities.Count; i++)
        {
            var entry = admission.Priorities[i];
            if (entry.KeyTags.Count == 0 && entry.TeamTags.Count == 0)
            {
                errors.Add($"{at}:Priorities:{i} must name at least one of KeyTags or TeamTags.");
            }

            if (entry.Priority is < -LargestPriority or > LargestPriority)
            {
                errors.Add($"{at}:Priorities:{i}:Priority must be from -{LargestPriority} to {LargestPriority}.");
            }
        }
    }
}
