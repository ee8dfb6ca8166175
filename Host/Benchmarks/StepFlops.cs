namespace QSparse.Host.Benchmarks;

/// <summary>
/// The multiply-add work of a network's training step, for the rate of the step rows: every convolution, transposed
/// convolution and linear layer of one traced forward, counted 2 FLOP per multiply-add, three times (the forward, the
/// weight gradient, the input gradient) except the input gradient of a layer reading the model's input (never computed).
/// The element-wise work (activations, normalisation, QSPARSE's operators, the optimizer) is not counted: a step's rate
/// is a lower bound of what the device did.
/// </summary>
public static class StepFlops
{
    /// <summary>
    /// FLOP of one training step of <paramref name="model"/> on <paramref name="input"/>, from one forward traced in
    /// evaluation mode without gradients, so that no running statistics or QSPARSE counters move.
    /// </summary>
    public static double Of(Module model, Tensor input)
    {
        bool training = model.Training;
        model.Eval();
        try
        {
            using var scope = new TensorScope();
            using var noGrad = Autograd.NoGrad();
            double flops = 0;
            foreach (var call in ModelTrace.Record(model, input).Layers)
            {
                double forward = 2 * MultiplyAdds(call);
                flops += call.Source is ModelInput ? 2 * forward : 3 * forward;
            }
            return flops;
        }
        finally
        {
            model.Train(training);
        }
    }

    /// <summary>
    /// Multiply-adds of one layer call: each weight entry meets every position of the side it is shared over (the
    /// output's positions for convolutions and linear layers, the input's for a transposed convolution).
    /// </summary>
    static double MultiplyAdds(ModuleCall call) => call.Module switch
    {
        ConvTranspose2d t => t.Weight.Numel * Positions(call.InputShape, 1),
        ConvBase c => c.Weight.Numel * Positions(call.OutputShape, 1),
        Linear l => l.Weight.Numel * Positions(call.OutputShape, call.OutputShape.Length - 1),
        _ => 0,
    };

    /// <summary>Elements of <paramref name="shape"/> per entry of dimension <paramref name="channelDim"/> (channels of [N, C, H, W], features of [..., F]).</summary>
    static double Positions(int[] shape, int channelDim) =>
        shape.Aggregate(1.0, (product, extent) => product * extent) / shape[channelDim];
}
