using System.Text.Json;

namespace AiMesh.Prompts.Store;

/// <summary>How the store writes its JSON columns: camelCase, as the admin API shows them.</summary>
internal static class StoreJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
