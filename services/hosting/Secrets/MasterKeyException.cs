namespace AiMesh.Hosting.Secrets;

/// <summary>A master key setting that cannot be used. The message names the setting, never its value.</summary>
public sealed class MasterKeyException(string message) : Exception(message);
