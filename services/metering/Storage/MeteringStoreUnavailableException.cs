namespace AiMesh.Metering.Storage;

/// <summary>The store cannot take events yet. Transient: the bus retries it and the kill switch counts it.</summary>
internal sealed class MeteringStoreUnavailableException : Exception
{
    public MeteringStoreUnavailableException()
    {
    }

    public MeteringStoreUnavailableException(string message)
        : base(message)
    {
    }

    public MeteringStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
