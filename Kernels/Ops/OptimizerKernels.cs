using ILGPU;

namespace QSparse.Kernels;

/// <summary>
/// Fused optimizer steps: each updates a parameter and its state buffers in place, element by element,
/// bit for bit as PyTorch 1.13's single-tensor update (see <see cref="OptimizerMath"/>).
/// </summary>
public static class OptimizerKernels
{
    /// <summary>
    /// One SGD step on <paramref name="param"/> in place. <paramref name="momentumBuffer"/> has the
    /// parameter's length (any view when momentum is off: it is not touched).
    /// </summary>
    public static void Sgd(Device d, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> momentumBuffer, SgdParams p) =>
        d.Backend.Sgd(param, grad, momentumBuffer, p);

    /// <summary>One Adam step in place on the parameter, its averages and its one-element step count.</summary>
    public static void Adam(Device d, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> expAvg, ArrayView<float> expAvgSq, AdamParams p) => d.Backend.Adam(param, grad, step, expAvg, expAvgSq, p);

    /// <summary>One Adadelta step in place on the parameter, its averages and its one-element step count.</summary>
    public static void Adadelta(Device d, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> squareAvg, ArrayView<float> accDelta, AdadeltaParams p) =>
        d.Backend.Adadelta(param, grad, step, squareAvg, accDelta, p);

    /// <summary>One AdamW step in place on the parameter, its averages and its one-element step count.</summary>
    public static void AdamW(Device d, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> expAvg, ArrayView<float> expAvgSq, AdamWParams p) => d.Backend.AdamW(param, grad, step, expAvg, expAvgSq, p);

    /// <summary>
    /// One RMSprop step in place on the parameter, its square average and its one-element step count.
    /// <paramref name="momentumBuffer"/> and <paramref name="gradAvg"/> have the parameter's length when
    /// used (momentum &gt; 0, centered), any view otherwise: they are not touched.
    /// </summary>
    public static void Rmsprop(Device d, ArrayView<float> param, ArrayView<float> grad, ArrayView<float> step,
        ArrayView<float> squareAvg, ArrayView<float> momentumBuffer, ArrayView<float> gradAvg, RmspropParams p) =>
        d.Backend.Rmsprop(param, grad, step, squareAvg, momentumBuffer, gradAvg, p);
}
