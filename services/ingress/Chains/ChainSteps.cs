using AiMesh.Ingress.Saga;

namespace AiMesh.Ingress.Chains;

/// <summary>
/// Carries messages between the instance's two sagas: a chain run's step to the request saga
/// (<see cref="SubmitCompletion"/>), the step's answer back to the chain saga (<see cref="ChainStepAnswered"/>), and the
/// abandonment of a step. Always called once the calling transition has completed (see <see cref="AfterTransition"/>),
/// and never inside it: each delivery runs on its own task, so one saga's transition never waits for the other's, and
/// a refused step still ends the run (its refusal comes back as the step's answer).
/// </summary>
internal sealed class ChainSteps(SagaInbox inbox, ChainRuns runs, ILogger<ChainSteps> logger)
{
    /// <summary>
    /// Submits a step. A step the saga could not take (the bus down) is answered with that error, which ends the run.
    /// A run whose exchange is gone submits nothing: the run was given up while the step was on its way here (its
    /// abandonment found no step's saga to stop yet), and a step submitted now would call the provider for nobody.
    /// </summary>
    public void Submit(Guid runId, SubmitCompletion step) => Run(runId, async () =>
    {
        if (!runs.IsOpen(runId))
        {
            return;
        }

        if (await inbox.SubmitAsync(step) is { } refused)
        {
            await AnsweredAsync(runId, CompletionAnswered.Refused(step.RequestId, refused));
        }
    });

    /// <summary>A step's request ended: its answer goes to the run.</summary>
    public void Answered(Guid runId, CompletionAnswered answer) => Run(runId, () => AnsweredAsync(runId, answer));

    /// <summary>The run was given up: the router stops the step's provider call, the step's saga ends (and meters it).</summary>
    public void Abandon(Guid runId, Guid stepRequestId, string reason) => Run(runId, () => inbox.AbandonAsync(stepRequestId, reason));

    private async Task AnsweredAsync(Guid runId, CompletionAnswered answer)
    {
        if (await inbox.TryDeliverAsync(new ChainStepAnswered(runId, answer.RequestId, answer)) is { } refused)
        {
            // Only a failing transition gets here (this delivery sends nothing on the bus): the run's exchange stops
            // waiting at its deadline and answers 504.
            IngressLog.ChainStepAnswerLost(logger, runId, answer.RequestId, refused.Code ?? "");
        }
    }

    private void Run(Guid runId, Func<Task> delivery) => _ = Task.Run(async () =>
    {
        try
        {
            await delivery();
        }
        catch (Exception ex)
        {
            IngressLog.ChainDeliveryFailed(logger, runId, ex);
        }
    });
}
