namespace QSparse.Nn;

/// <summary>y = x·Wᵀ + b (torch.nn.Linear). Weight [out, in], bias [out]; input [..., in].</summary>
public class Linear : Module
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

    /// <summary>The weight used by <see cref="Forward"/>.</summary>
    public virtual Tensor Weight => Effective("weight")!;

    public virtual Tensor? Bias => Effective("bias");

    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);

    public override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Slot("bias") != null ? "True" : "False")}";
}
