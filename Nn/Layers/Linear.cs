namespace QSparse.Nn;

/// <summary>y = x·Wᵀ + b (torch.nn.Linear). Weight [out, in], bias [out]; input [..., in].</summary>
public class Linear : Module, IFoldableLayer
{
    public Linear(int inFeatures, int outFeatures, bool bias = true, Device? device = null, Generator? generator = null)
        : base(device)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        var w = RegisterParameter("weight", Tensor.Empty(Device, [outFeatures, inFeatures]))!;
        var b = bias ? RegisterParameter("bias", Tensor.Empty(Device, [outFeatures])) : RegisterParameter("bias", null);
        Init.DefaultLayer(w, b, generator);
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }

    /// <summary>
    /// The raw weight parameter [out, in] (what the optimizer updates and the state dict holds); reading it has
    /// no side effects. <see cref="Forward"/> computes with its transforms applied (<see cref="Module.Effective"/>).
    /// </summary>
    public Tensor Weight => Slot("weight")!;

    /// <summary>The raw bias parameter [out], or null; see <see cref="Weight"/>.</summary>
    public Tensor? Bias => Slot("bias");

    /// <summary>0: the weight is [out, in].</summary>
    public int WeightOutputDim => 0;

    public override Tensor Forward(Tensor input) => Functional.Linear(input, Effective("weight")!, Effective("bias"));

    public override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Slot("bias") != null ? "True" : "False")}";
}

/// <summary>Returns its input unchanged (torch.nn.Identity); what fuse_bn leaves in place of a folded BatchNorm.</summary>
public sealed class Identity(Device? device = null) : Module(device)
{
    public override Tensor Forward(Tensor input) => input;
}

public static partial class Functional
{
    /// <summary>x·Wᵀ + b for x of shape [..., in], W [out, in], b [out].</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        if (input.Shape[^1] != weight.Shape[1])
            throw new ArgumentException(
                $"linear: input {ShapeUtil.Format(input.Shape)} does not end in in_features = {weight.Shape[1]}", nameof(input));
        var x = input.Rank == 2 ? input : input.Reshape(-1, input.Shape[^1]);
        var y = Tensor.MatMul(x, weight, false, true);
        if (bias != null)
            y = y.Add(bias);
        return input.Rank == 2 ? y : y.Reshape([.. input.Shape[..^1], weight.Shape[0]]);
    }
}
