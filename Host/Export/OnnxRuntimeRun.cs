using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace QSparse.Host.Export;

/// <summary>Runs an ONNX file in ONNX Runtime (its CPU provider, default optimizations) on one batch, as a user of the export would.</summary>
public static class OnnxRuntimeRun
{
    /// <summary>The flattened output of the model at <paramref name="path"/> for <paramref name="input"/> given to its one input.</summary>
    public static TOut[] Run<TIn, TOut>(string path, TIn[] input, int[] shape)
    {
        OnnxRuntimeLibrary.Require();
        try
        {
            using var session = new InferenceSession(path);
            string name = session.InputMetadata.Keys.Single();
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(name, new DenseTensor<TIn>(input, shape))]);
            return results.First().AsTensor<TOut>().ToArray();
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"{path}: ONNX Runtime cannot run it: {e.Message.ReplaceLineEndings(" ")}");
        }
    }
}
