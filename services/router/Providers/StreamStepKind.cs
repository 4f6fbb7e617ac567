namespace AiMesh.Router.Providers;

internal enum StreamStepKind
{
    /// <summary>Send <see cref="StreamStep.Chunk"/> to the client.</summary>
    Forward,

    /// <summary>Nothing for the client in this event (it may still carry usage).</summary>
    Skip,

    /// <summary>The provider said the answer is complete; <see cref="StreamStep.Chunk"/>, when set, is sent first.</summary>
    Done,

    /// <summary>The provider reported an error inside the stream.</summary>
    Failed,
}
