using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Ingress.OpenAi;
using AiMesh.Ingress.Saga;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Chains;

/// <summary>
/// Coordinates one chain run: each step is a request of the request saga (<see cref="RequestStateMachine"/>), submitted
/// in process with its own request id and the caller's credential, so each is admitted by policy, rendered, routed and
/// metered exactly once like any request; the step's answer comes back here (<see cref="ChainStepAnswered"/>), its
/// assistant text becomes the step's output, and the next step is submitted with it. The first step that fails ends
/// the run: later steps are never submitted. Every ending hands the run's <see cref="ChainOutcome"/> to the exchange
/// holding its client (<see cref="ChainRuns"/>), once the transition has completed.
/// <para>
/// One state, <see cref="Running"/>, with the step under way in the instance: the steps are a list, not a graph, and a
/// state per step would say no more. Like the request saga it lives in memory on the instance's own endpoint, exactly as
/// long as the client connection this process holds for it; what must outlive it (each step's usage) is metering's.
/// </para>
/// </summary>
internal sealed class ChainStateMachine : MassTransitStateMachine<ChainState>
{
    public ChainStateMachine(IOptions<IngressOptions> options, ChainSteps steps, ChainRuns runs)
    {
        var settings = options.Value;
        InstanceState(x => x.CurrentState);

        Event(() => Started, e => e.CorrelateById(m => m.Message.RunId));

        // A step's answer or an abandonment after the run ended (its exchange gave up, say) finds no instance: dropped.
        Event(() => StepAnswered, e =>
        {
            e.CorrelateById(m => m.Message.RunId);
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => Abandoned, e =>
        {
            e.CorrelateById(m => m.Message.RunId);
            e.OnMissingInstance(m => m.Discard());
        });

        Initially(
            When(Started)
                .Then(c => Begin(c.Saga, c.Message, settings.MaxJsonDepth))
                .ThenAsync(c => SubmitStep(c, steps, settings))
                .TransitionTo(Running));

        During(Running,

            // Only the answer of the step under way counts; any other (a duplicate) changes nothing.
            When(StepAnswered, c => c.Message.StepRequestId != c.Saga.StepRequestId),
            When(StepAnswered, c => c.Message.StepRequestId == c.Saga.StepRequestId && c.Message.Answer.Error is not null)
                .ThenAsync(c => End(c, runs, FailureOf(c.Saga, c.Message.Answer)))
                .Finalize(),
            When(StepAnswered, c => c.Message.StepRequestId == c.Saga.StepRequestId && c.Message.Answer.Error is null && IsLast(c.Saga))
                .Then(c => Completed(c.Saga, c.Message.Answer))
                .ThenAsync(c => End(c, runs, null))
                .Finalize(),
            When(StepAnswered, c => c.Message.StepRequestId == c.Saga.StepRequestId && c.Message.Answer.Error is null && !IsLast(c.Saga))
                .Then(c => Completed(c.Saga, c.Message.Answer))
                .Then(c => Next(c.Saga))
                .ThenAsync(c => SubmitStep(c, steps, settings)),

            // The step under way is abandoned: its request saga ends and meters it (cancelled), the router stops its call.
            When(Abandoned)
                .ThenAsync(c => AfterTransition.Run(c, () => steps.Abandon(c.Saga.CorrelationId, c.Saga.StepRequestId, c.Message.Reason)))
                .Finalize());

        SetCompletedWhenFinalized();
    }

    public State Running { get; private set; } = null!;

    public Event<StartChain> Started { get; private set; } = null!;

    public Event<ChainStepAnswered> StepAnswered { get; private set; } = null!;

    public Event<AbandonChain> Abandoned { get; private set; } = null!;

    /// <summary>Tags every step's usage event carries: the chain, the run (the answer's id) and the step.</summary>
    public const string ChainTag = "aimesh.chain";
    public const string RunTag = "aimesh.chain_run";
    public const string StepTag = "aimesh.chain_step";

    private static void Begin(ChainState run, StartChain start, int maxDepth)
    {
        run.Chain = start.Chain;
        run.Input = JsonNode.Parse(start.Input, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth })!.AsObject();
        run.CredentialHash = start.CredentialHash;
        run.Principal = start.Principal;
        run.ClientAddress = start.ClientAddress;
        run.Deadline = start.Deadline;
        run.Step = 0;
        run.StepRequestId = NewId.NextGuid();
    }

    private static bool IsLast(ChainState run) => run.Step == run.Chain.Steps.Count - 1;

    private static void Completed(ChainState run, CompletionAnswered answer)
    {
        var step = run.Chain.Steps[run.Step];
        var output = ChainStepPlan.OutputOf(answer.Body);
        run.Outputs[step.Name] = output;
        run.Completed.Add(new ChainStepResult(step.Name, run.StepRequestId, step.Prompt, answer.PromptVersion, output, answer.Usage));
    }

    private static void Next(ChainState run)
    {
        run.Step++;
        run.StepRequestId = NewId.NextGuid();
    }

    private static ChainFailure FailureOf(ChainState run, CompletionAnswered answer) =>
        new(run.Step, run.Chain.Steps[run.Step].Name, run.StepRequestId, OpenAiErrors.From(answer.Status, answer.Error!));

    /// <summary>The step under way as a request, submitted once the transition has completed.</summary>
    private static Task SubmitStep(BehaviorContext<ChainState> context, ChainSteps steps, IngressOptions settings)
    {
        var run = context.Saga;
        var step = run.Chain.Steps[run.Step];
        var body = ChainStepPlan.Body(run.Chain, step, run.Input, run.Outputs);
        var now = DateTimeOffset.UtcNow;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ChainTag] = run.Chain.Name,
            [RunTag] = run.CorrelationId.ToString("D"),
            [StepTag] = step.Name,
        };
        var submit = new SubmitCompletion(
            run.StepRequestId, "chat.completions", ChainStepPlan.ModelOf(run.Chain, step), body, false, true, run.CredentialHash,
            run.ClientAddress, null, tags, now, run.Deadline, now + settings.SubmitTimeout, null, run.Principal, body.Length / 4, null,
            ChainRunId: run.CorrelationId);
        var runId = run.CorrelationId;
        return AfterTransition.Run(context, () => steps.Submit(runId, submit));
    }

    private static Task End(BehaviorContext<ChainState> context, ChainRuns runs, ChainFailure? failure)
    {
        var runId = context.Saga.CorrelationId;
        var outcome = new ChainOutcome([.. context.Saga.Completed], failure);
        return AfterTransition.Run(context, () => runs.Ended(runId, outcome));
    }
}
