namespace AiMesh.Policy.Admin;

/// <summary>
/// The admin API under <c>/admin</c>, one file per resource group. Every route runs behind <see cref="AdminFilter"/>
/// (who is calling) and decides what that caller may do with <see cref="AdminRules"/>; every answer that is not a
/// success is ProblemDetails.
/// </summary>
internal static class AdminEndpoints
{
    public const string Prefix = "/admin";

    /// <summary>The OpenAPI document's name; it is served at <c>/admin/openapi.json</c>.</summary>
    public const string DocumentName = "admin";

    /// <summary>The admin routes' OpenAPI document, generated from the endpoints below (their metadata is the spec).</summary>
    public static void AddDocument(IServiceCollection services) =>
        services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith(Prefix[1..] + "/", StringComparison.OrdinalIgnoreCase) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "AiMesh admin API";
                document.Info.Version = "1";
                document.Info.Description = "Send a user's key as 'Authorization: Bearer KEY' (or x-api-key). Errors are RFC 9457 problem details.";
                return Task.CompletedTask;
            });
        });

    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Public (it describes the API, nothing in it is secret), so outside the authenticated group.
        app.MapOpenApi("/{documentName:regex(^" + DocumentName + "$)}/openapi.json");
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
        AuditEndpoints.Map(admin);
        UsageEndpoints.Map(admin);
        CredentialEndpoints.Map(admin);
        LimitEndpoints.Map(admin);
        DeploymentEndpoints.Map(admin);
        PromptEndpoints.Map(admin);
        ChainEndpoints.Map(admin);
    }
}
