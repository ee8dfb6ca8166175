using DataType = Onnx.TensorProto.Types.DataType;

namespace QSparse.Host.Export;

/// <summary>What the integer export holds for one trace step's output.</summary>
abstract record ExportValue;

/// <summary>
/// Integers t standing for t·2^-<paramref name="Decimal"/> in graph tensor <paramref name="Name"/> (int8 or int32),
/// batch first; every |t| ≤ <paramref name="Bound"/>, the static bound the int32 overflow checks use.
/// </summary>
sealed record IntTensor(string Name, DataType Type, int Decimal, int[] Shape, long Bound) : ExportValue;

/// <summary>The model's float input (or what reshapes and pruners made of it): only an input quantizer may read it.</summary>
sealed record FloatInput : ExportValue;

/// <summary>
/// The float head after a layer's unquantized output (log-softmax on logits): not exported; the graph ends at
/// <paramref name="Before"/>, the output of step <paramref name="BeforeStep"/>.
/// </summary>
sealed record FloatHead(IntTensor Before, TraceStep BeforeStep, string What) : ExportValue;

/// <summary>A value with no integer form, and the error to report when anything needs it.</summary>
sealed record NoIntegerForm(string Why) : ExportValue;
