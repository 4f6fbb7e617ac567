namespace AiMesh.Policy.Store;

/// <summary>
/// What an admin-set limit or budget is for, as stored in <c>subject_type</c> and named in the admin API's routes
/// (<c>/admin/{keys|users|teams|organizations}/{id}/limits</c>).
/// </summary>
internal static class LimitSubjects
{
    public const string Key = "key";
    public const string User = "user";
    public const string Team = "team";
    public const string Org = "org";
}
