namespace QSparse.Nn;

/// <summary>Which fan the Kaiming initialisers scale by (PyTorch's mode='fan_in' | 'fan_out').</summary>
public enum FanMode
{
    /// <summary>Preserves the variance of the activations in the forward pass.</summary>
    FanIn,
    /// <summary>Preserves the variance of the gradients in the backward pass.</summary>
    FanOut,
}
