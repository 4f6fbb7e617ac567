namespace AiMesh.Policy.Budgets;

/// <summary>The Redis-held reservations when the limits' store is Redis (shared by every replica); null: this process's memory only.</summary>
internal sealed record SharedBudgets(RedisBudgetReservations? Store);
