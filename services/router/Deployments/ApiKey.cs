namespace AiMesh.Router.Deployments;

/// <summary>
/// A provider credential. Wrapped so that no <c>ToString</c>, record printer, debugger view or structured log
/// can show it by accident: the value comes out only through <see cref="Reveal"/>, called where the header is set.
/// </summary>
internal sealed class ApiKey(string value)
{
    public string Reveal() => value;

    public override string ToString() => "[redacted]";
}
