namespace QSparse.Nn;

/// <summary>The nonlinearities <see cref="Init.CalculateGain"/> knows (torch.nn.init.calculate_gain).</summary>
public enum Nonlinearity
{
    /// <summary>Gain 1 (also PyTorch's conv*d and conv_transpose*d).</summary>
    Linear,
    /// <summary>Gain 1.</summary>
    Sigmoid,
    /// <summary>Gain 5/3.</summary>
    Tanh,
    /// <summary>Gain sqrt(2).</summary>
    Relu,
    /// <summary>Gain sqrt(2 / (1 + slope²)), slope 0.01 by default.</summary>
    LeakyRelu,
    /// <summary>Gain 3/4.</summary>
    Selu,
}
