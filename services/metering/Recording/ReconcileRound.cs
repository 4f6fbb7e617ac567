namespace AiMesh.Metering.Recording;

/// <summary>What one reconciliation did.</summary>
/// <param name="Deleted">Reports deleted because the ingress's usage event exists.</param>
/// <param name="Recovered">Usage events this replica wrote (and published) from overdue reports.</param>
/// <param name="Lost">Overdue reports whose event another writer stored first (a racing replica, the ingress's late record): nothing published.</param>
/// <param name="Republished">Events written from reports by a reconciler that stopped before publishing them, published now.</param>
internal readonly record struct ReconcileRound(int Deleted, int Recovered, int Lost, int Republished);
