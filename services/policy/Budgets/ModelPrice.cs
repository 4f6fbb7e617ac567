namespace AiMesh.Policy.Budgets;

/// <summary>A public model's worst-case prices per million tokens, for the reservation made before the call.</summary>
internal sealed class ModelPrice
{
    public decimal Input { get; set; }

    public decimal Output { get; set; }
}
