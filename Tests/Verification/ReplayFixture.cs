using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>What the verify-int tests share: forwards in training mode (the quantizers' decimals are searched at their timeout) and the state dict on the host.</summary>
static class ReplayFixture
{
    /// <summary>Runs <paramref name="net"/> <paramref name="steps"/> times on <paramref name="x"/> in training mode; its state dict, on the host.</summary>
    public static Dictionary<string, HostTensor> Forwards(Module net, Tensor x, int steps = 2)
    {
        net.Train();
        for (int step = 0; step < steps; step++)
            using (new TensorScope())
                net.Call(x);
        return net.StateDict().ToDictionary(kv => kv.Key, kv => HostTensor.From(kv.Value));
    }
}
