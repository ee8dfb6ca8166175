using System.Text.RegularExpressions;
using Onnx;
using QSparse.Host.Export;
using QSparse.Host.Training;
using QSparse.Nn;
using DataType = Onnx.TensorProto.Types.DataType;
using Tensor = QSparse.Nn.Tensor;

namespace QSparse.Tests.Export;

/// <summary>
/// The c export of trained networks, compiled by the system C compiler (<c>cc -std=c99 -O2 -Wall -Werror</c>, another
/// implementation of every loop) and run on 256 test images one at a time, gives the float pipeline's output times
/// 2^d_out exactly: the seed network, and ResNet-20 and MobileNetV2 with BatchNorm folded, written by the command
/// line. Skipped, saying so, only where no <c>cc</c> is on the PATH.
/// </summary>
public class CExportTests
{
    const int Images = 256;

    static Device Cpu => Accelerators.Get("cpu");

    [Test]
    public void SeedNetworkCompiledWithCcRunsExactly()
    {
        string cc = Compiler();
        using var scope = new TensorScope();
        var (checkpoint, test) = TrainedSeed.Train(Cpu, Images);
        var images = TrainedSeed.Batch(Cpu, test, Images);
        var file = CheckpointFile.Read(checkpoint);
        var (net, _) = TrainedModel.Load(Cpu, file);
        var model = OnnxIntExport.Build(net, file.Entries, images.Slice(0, 0, 1));
        var header = Path.ChangeExtension(checkpoint, ".h");
        CExport.Save(model, header);
        CompileAndCompare(cc, header, model, OnnxIntExportTests.FloatReference(net, images, model), images);
        Assert.That(File.ReadAllText(header), Does.Contain("static const int8_t qsparse_conv1_weight[").And.Contain("#define QSPARSE_OUTPUT_DECIMAL"));
    }

    [TestCase("resnet20", "idx")]
    [TestCase("mobilenetv2", "cifar")]
    public void FoldedNetworkExportedByTheCommandLineRunsExactly(string modelName, string data)
    {
        string cc = Compiler();
        using var scope = new TensorScope();
        var (checkpoint, folder, images) = TrainedFolded.Train(Cpu, modelName, data, Images);
        var header = Path.ChangeExtension(checkpoint, ".h");
        var (exit, lines) = ProgramRun.Run("export", "--checkpoint", checkpoint, "--format", "c", "--out", header, "--data", folder, "--device", "cpu");
        Assert.That(exit, Is.EqualTo(0), string.Join("\n", lines));
        TestContext.Out.WriteLine(string.Join("\n", lines));

        var file = CheckpointFile.Read(checkpoint);
        var (net, _) = TrainedModel.Load(Cpu, file);
        var model = OnnxIntExport.Build(net, file.Entries, images.Slice(0, 0, 1));
        Assert.That(File.ReadAllText(header), Is.EqualTo(CExport.Header(model, Path.GetFileName(header))), "the command writes the library's header");
        CompileAndCompare(cc, header, model, OnnxIntExportTests.FloatReference(net, images, model), images);
    }

    [Test]
    public void AnOpWithNoTranslationIsRefusedNamingTheNode()
    {
        var graph = new GraphProto { Name = "qsparse" };
        graph.Input.Add(Int("input", DataType.Int8));
        graph.Node.Add(new NodeProto { OpType = "Relu", Name = "q/Relu", Input = { "input" }, Output = { "q/Relu" } });
        graph.Node.Add(new NodeProto { OpType = "Softmax", Name = "head/Softmax", Input = { "q/Relu" }, Output = { "head/Softmax" } });
        graph.Output.Add(Int("head/Softmax", DataType.Int32));
        var model = new OnnxIntModel(new ModelProto { Graph = graph }, 0, 8, 0, [1, 4], null);
        Assert.That(() => CExport.Header(model, "net.h"), Throws.InvalidOperationException.With.Message
            .EqualTo("c export cannot translate node 'head/Softmax' (Softmax): no C translation of this op"));
    }

    static ValueInfoProto Int(string name, DataType type) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimValue = 1 }, new TensorShapeProto.Types.Dimension { DimValue = 4 } } } } },
    };

    /// <summary>
    /// Compiles a main.c that runs qsparse_run on each image of a binary file, runs it on <paramref name="images"/>
    /// quantized as the graph's input, and checks every int32 output against <paramref name="expected"/>.
    /// </summary>
    internal static void CompileAndCompare(string cc, string header, OnnxIntModel model, double[] expected, Tensor images)
    {
        var text = File.ReadAllText(header);
        var code = Regex.Replace(text, @"/\*.*?\*/", "", RegexOptions.Singleline);
        Assert.That(code, Does.Not.Match(@"\b(float|double|malloc|calloc|realloc|free)\b"), "no floating point, no allocation");

        string folder = Path.GetDirectoryName(header)!, main = Path.Combine(folder, "main.c"), program = Path.Combine(folder, "qsparse-main");
        File.WriteAllText(main, $$"""
            #include <stdio.h>
            #include <stdlib.h>
            #define QSPARSE_IMPLEMENTATION
            #include "{{Path.GetFileName(header)}}"

            /* main IN OUT COUNT: COUNT int8 inputs from IN, their int32 outputs to OUT. */
            int main(int argc, char **argv)
            {
                static int8_t x[QSPARSE_INPUT_SIZE];
                static int32_t y[QSPARSE_OUTPUT_SIZE];
                if (argc != 4)
                    return 2;
                FILE *in = fopen(argv[1], "rb"), *out = fopen(argv[2], "wb");
                if (in == NULL || out == NULL)
                    return 3;
                for (int n = atoi(argv[3]); n > 0; n--) {
                    if (fread(x, sizeof x[0], QSPARSE_INPUT_SIZE, in) != QSPARSE_INPUT_SIZE)
                        return 4;
                    qsparse_run(x, y);
                    if (fwrite(y, sizeof y[0], QSPARSE_OUTPUT_SIZE, out) != QSPARSE_OUTPUT_SIZE)
                        return 5;
                }
                return fclose(in) != 0 || fclose(out) != 0;
            }

            """);
        var build = Processes.Run(cc, "-std=c99", "-O2", "-Wall", "-Werror", "-o", program, main);
        Assert.That(build.Exit, Is.EqualTo(0), $"{cc} -std=c99 -O2 -Wall -Werror:\n{build.Output}{build.Error}");

        int count = images.Shape[0];
        string inputs = Path.Combine(folder, "inputs.bin"), outputs = Path.Combine(folder, "outputs.bin");
        File.WriteAllBytes(inputs, model.QuantizeInput(images.ToArray<float>()).Select(v => (byte)v).ToArray());
        var run = Processes.Run(program, inputs, outputs, $"{count}");
        Assert.That(run.Exit, Is.EqualTo(0), run.Error);
        var bytes = File.ReadAllBytes(outputs);
        var output = Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToInt32(bytes, 4 * i)).ToArray();
        Assert.That(output, Has.Length.EqualTo(expected.Length));
        double maxDiff = output.Select((v, i) => Math.Abs(v - expected[i])).Max();
        TestContext.Out.WriteLine($"{Path.GetFileName(header)}: {text.Length} bytes of C; cc -std=c99 -O2 -Wall -Werror; {output.Length} outputs ({count} images): " +
                                  $"max difference {maxDiff} at decimal {model.OutputDecimal}; {model.Model.Graph.Node.Count} nodes translated");
        Assert.That(maxDiff, Is.Zero);
        Assert.That(output.Distinct().Count(), Is.GreaterThan(count), "the outputs vary (the comparison is not of constants)");
    }

    /// <summary>The system C compiler, <c>cc</c> on the PATH; the test is skipped, saying so, where there is none.</summary>
    internal static string Compiler()
    {
        var cc = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "cc")).FirstOrDefault(File.Exists);
        if (cc == null)
            Assert.Ignore("no C compiler: `cc` is not on the PATH, so the c export is not compiled and run here");
        return cc!;
    }
}
