using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>The golden end-to-end run's inputs (train_small_init.safetensors): initial state and the batch of each step.</summary>
public static class TrainSmallBatches
{
    static Dictionary<string, HostTensor> Init => Golden.Tensors("train_small_init.safetensors");

    /// <summary>The initial weights and BatchNorm state, keyed as the golden state dict.</summary>
    public static Dictionary<string, HostTensor> InitialState() =>
        Init.Where(kv => !kv.Key.StartsWith('x') && kv.Key != "ys").ToDictionary(kv => kv.Key, kv => kv.Value);

    /// <summary>Images xs[step] [B, 1, 14, 14] and labels ys[step] [B] (int32) on <paramref name="device"/>.</summary>
    public static (Tensor X, Tensor Y) Batch(Device device, int step)
    {
        var xs = Init["xs"];
        var ys = Init["ys"];
        int batch = xs.Shape[1], imageBytes = xs.Shape.Skip(1).Aggregate(1, (a, b) => a * b) * 4, labelBytes = batch * 4;
        return (Tensor.FromBytes(device, xs.Data.AsSpan(step * imageBytes, imageBytes), xs.Shape[1..], DType.Float32),
            Tensor.FromBytes(device, ys.Data.AsSpan(step * labelBytes, labelBytes), [batch], DType.Int32));
    }
}
