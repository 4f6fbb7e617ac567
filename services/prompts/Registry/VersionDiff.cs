using System.Text;
using AiMesh.Prompts.Store;
using DiffPlex.Renderer;

namespace AiMesh.Prompts.Registry;

/// <summary>
/// A unified line diff (DiffPlex) of two versions, each written out as text: its model, parameters, variables and
/// schema, then each message under a header naming its position and role, so a changed role or an added message shows
/// as such and a changed template shows line by line. Author and message are not diffed: they describe the change.
/// </summary>
internal static class VersionDiff
{
    public static string Of(string name, StoredVersion from, StoredVersion to) =>
        UnidiffRenderer.Instance.Generate(Text(from), Text(to), $"{name} v{from.Number}", $"{name} v{to.Number}", false, false);

    internal static string Text(StoredVersion version)
    {
        var text = new StringBuilder();
        text.Append("model: ").AppendLine(version.Model ?? "(none)");
        text.Append("parameters: ").AppendLine(version.Parameters ?? "(none)");
        text.Append("variables: ").AppendLine(string.Join(", ", version.Variables));
        text.Append("variables schema: ").AppendLine(version.VariablesSchema ?? "(none)");
        for (var i = 0; i < version.Messages.Count; i++)
        {
            var message = version.Messages[i];
            text.Append("--- message ").Append(i + 1).Append(" (").Append(message.Role).AppendLine(")");
            text.AppendLine(message.Content);
        }

        return text.ToString();
    }
}
