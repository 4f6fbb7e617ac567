namespace AiMesh.Policy.Admin;

/// <summary>The routes every admin collection of created objects has: list, get by id, and create (201 with its location).</summary>
internal static class AdminRoutes
{
    /// <returns>The collection's group (tagged <paramref name="tag"/>), for the routes only that collection has.</returns>
    public static RouteGroupBuilder MapCollection<TView, TCreate>(
        RouteGroupBuilder admin, string path, string tag, Delegate list, Delegate get, Delegate create)
        where TCreate : notnull
    {
        var group = admin.MapGroup(path).WithTags(tag);
        group.MapGet("/", list).Produces<AdminPage<TView>>();
        group.MapGet("/{id}", get).Produces<TView>();
        group.MapPost("/", create).Accepts<TCreate>("application/json").Produces<TView>(StatusCodes.Status201Created);
        return group;
    }
}
