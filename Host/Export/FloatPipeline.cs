namespace QSparse.Host.Export;

/// <summary>
/// The float pipeline's values an ONNX export is compared with: the output of the module the export ends at (before
/// a float head), on test images, in evaluation mode without gradients, 32 images a forward. Optionally rounded as
/// a QDQ graph rounds (<see cref="OnnxQdqModel"/>): forward hooks replace the outputs of its activation quantizers
/// with <see cref="LinearQuantizer"/>'s round-to-nearest-even quantization at the same bits and decimals, and of its
/// bias quantizers with their biases rounded to nearest even at the decimals the graph stores them at.
/// </summary>
public static class FloatPipeline
{
    const int Chunk = 32;

    /// <summary>
    /// The output [N, ...] (flattened) of the module at <paramref name="outputPath"/> (null: the network's output) of
    /// <paramref name="net"/> on <paramref name="images"/> [N, ...]; rounded as <paramref name="roundedAs"/> rounds when given.
    /// </summary>
    public static float[] Outputs(Module net, Tensor images, string? outputPath, OnnxQdqModel? roundedAs = null)
    {
        net.Eval();
        var modules = net.NamedModules().GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.First().Module);
        var nearest = new LinearQuantizer(Rounding.Nearest);
        var handles = new List<IDisposable>();
        float[]? captured = null;
        var outputs = new List<float>();
        try
        {
            foreach (var path in roundedAs?.Quantizers ?? [])
                handles.Add(modules[path].RegisterForwardHook((m, x, _) =>
                    m is QuantizeLayer { Quantized: true } q ? nearest.Quantize(x, q.Bits, q.Decimal, q.Channelwise) : null));
            foreach (var (path, decimals) in roundedAs?.Biases ?? new Dictionary<string, int[]>())
                handles.Add(modules[path].RegisterForwardHook((_, _, y) =>
                    nearest.Quantize(y, 31, Tensor.FromArray(y.Device, [.. decimals.Select(d => (float)d)], decimals.Length), decimals.Length > 1 ? 0 : -1)));
            if (outputPath != null)
                handles.Add(modules[outputPath].RegisterForwardHook((_, _, y) =>
                {
                    captured = y.ToArray<float>();
                    return null;
                }));
            for (int start = 0; start < images.Shape[0]; start += Chunk)
            {
                using var scope = new TensorScope();
                using var noGrad = Autograd.NoGrad();
                var y = net.Call(images.Slice(0, start, Math.Min(start + Chunk, images.Shape[0])));
                outputs.AddRange(outputPath == null ? y.ToArray<float>() : captured!);
            }
        }
        finally
        {
            handles.ForEach(h => h.Dispose());
        }
        return [.. outputs];
    }
}
