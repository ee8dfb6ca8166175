namespace QSparse.Host.Training;

/// <summary>What the pruners of the seed network act on.</summary>
public enum PruneTarget
{
    /// <summary>The weights of conv2 and fc1.</summary>
    Weights,

    /// <summary>The activations (features) after bn1, bn2 and bn3.</summary>
    Features,

    /// <summary>Both.</summary>
    Both,
}
