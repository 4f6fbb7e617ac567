namespace AiMesh.Policy.Admin;

/// <summary>
/// The admin API under <c>/admin</c>, one file per resource group. Every route runs behind <see cref="AdminFilter"/>
/// (who is calling) and decides what that caller may do with <see cref="AdminRules"/>; every answer that is not a
/// success is ProblemDetails.
/// </summary>
internal static class AdminEndpoints
{
    public const string Prefix = "/admin";

    public static void Map(WebApplication app)
    {
        var admin = app.MapGroup(Prefix).AddEndpointFilter<AdminFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem();
        OrganizationEndpoints.Map(admin);
        TeamEndpoints.Map(admin);
        UserEndpoints.Map(admin);
        ServiceAccountEndpoints.Map(admin);
        AccessGroupEndpoints.Map(admin);
        KeyEndpoints.Map(admin);
    }
}
