using AiMesh.Contracts.Metering;
using AiMesh.Ingress.Usage;
using MassTransit;

namespace AiMesh.Ingress.Saga;

/// <summary>
/// The saga's usage record, handed to <see cref="UsageSender"/> (which batches records to metering) once the
/// transition has completed, like any send of the transition.
/// </summary>
internal static class UsageActivity
{
    public static EventActivityBinder<RequestState, T> RecordUsage<T>(
        this EventActivityBinder<RequestState, T> binder, UsageSender usage, Func<BehaviorContext<RequestState, T>, RecordUsage> record)
        where T : class =>
        binder.ThenAsync(context =>
        {
            var recorded = record(context);
            return AfterTransition.Run(context, () => usage.Enqueue(recorded));
        });
}
