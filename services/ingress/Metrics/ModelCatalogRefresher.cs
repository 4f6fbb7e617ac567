using AiMesh.Contracts.Routing;
using AiMesh.Hosting;

namespace AiMesh.Ingress;

/// <summary>Keeps <see cref="ModelLabels"/> to the router's public catalog; a failed ask keeps the labels held.</summary>
internal sealed class ModelCatalogRefresher(ModelLabels labels, IServiceScopeFactory scopes, ILogger<ModelCatalogRefresher> logger)
    : RouterCatalogRefresher(scopes)
{
    protected override bool IsLoaded => labels.IsLoaded;

    protected override void Replace(IReadOnlyList<ModelDescription> models) => labels.Replace(models.Select(m => m.Id));

    protected override void Failed(string failure) => IngressLog.ModelCatalogUnavailable(logger, failure);
}
