using Onnx;
using QSparse.Host.Verification;

namespace QSparse.Host.Export;

/// <summary>
/// QSPARSE's state as an ONNX export records it in the model's metadata_props, the same keys in every ONNX form
/// (onnx-int, onnx-qdq): each activation quantizer's <c>qsparse.PATH.decimal</c> and <c>.bits</c>, each layer's
/// <c>qsparse.PATH.weight_decimals</c>, <c>.weight_bits</c> and <c>.weight_sparsity</c>, each pruner's
/// <c>qsparse.PATH.sparsity</c>, and what the form adds (<c>qsparse.input_decimal</c>, ...).
/// </summary>
sealed class OnnxMetadata
{
    readonly Dictionary<string, string> entries = [];

    /// <summary>Sets <c>qsparse.<paramref name="key"/></c>.</summary>
    public void Set(string key, string value) => entries[$"qsparse.{key}"] = value;

    /// <summary>An activation quantizer's decimal and bits.</summary>
    public void Quantizer(string path, int decimals, int bits)
    {
        Set($"{path}.decimal", $"{decimals}");
        Set($"{path}.bits", $"{bits}");
    }

    /// <summary>An activation pruner's sparsity (the fraction of its mask that is zero).</summary>
    public void Pruner(string path, bool[] mask) => Set($"{path}.sparsity", $"{mask.Count(m => !m) / (double)mask.Length:0.####}");

    /// <summary>A layer's weight decimals, bits and sparsity (after its masks and quantizer).</summary>
    public void Layer(string path, LayerIntegers layer)
    {
        Set($"{path}.weight_decimals", string.Join(",", layer.WeightDecimals));
        Set($"{path}.weight_bits", $"{layer.WeightBits}");
        Set($"{path}.weight_sparsity", $"{layer.Weight.Count(w => w == 0) / (double)layer.Weight.Length:0.####}");
    }

    /// <summary>The model (IR 8, opset 17, producer "qsparse") of <paramref name="graph"/> with these entries and <paramref name="docString"/>.</summary>
    public ModelProto Model(GraphProto graph, string docString)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "qsparse", Graph = graph, DocString = docString };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        foreach (var (key, value) in entries)
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }
}
