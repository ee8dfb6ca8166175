using System.Globalization;
using System.Text;

namespace QSparse.Host.Export;

/// <summary>
/// Writes an integer-only model (<see cref="OnnxIntExport"/>) as one portable C99 header, as a microcontroller user
/// embeds it: the int8 weights, masks and aligned bias as <c>static const</c> arrays, the shifts as literal
/// divisors, and <c>void qsparse_run(const int8_t input[QSPARSE_INPUT_SIZE], int32_t output[QSPARSE_OUTPUT_SIZE])</c>
/// for one example (batch 1), with static work buffers: no allocation, no floating point. Header-only: exactly one C
/// file defines <c>QSPARSE_IMPLEMENTATION</c> before including it; the others see the macros and the prototype.
/// The C is a translation of the ONNX graph, node by node (<see cref="CTranslation"/>), so both exports compute the
/// same integers.
/// </summary>
public static class CExport
{
    /// <summary>The header's text for <paramref name="model"/>; <paramref name="name"/> (the file's name) makes its include guard.</summary>
    public static string Header(OnnxIntModel model, string name)
    {
        var code = new CTranslation(model.Model.Graph);
        string guard = $"QSPARSE_{new string(Path.GetFileNameWithoutExtension(name).Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_').ToArray())}_H";
        var text = new StringBuilder();
        string I(long v) => v.ToString(CultureInfo.InvariantCulture);
        text.Append($"""
            /* {CTranslation.Comment(name)}: a QSPARSE network in integers, written by `qsparse export --format c`; do not edit.
             * {CTranslation.Comment(model.Model.DocString)}
             * Input: int8 [{string.Join(", ", code.InputShape)}] = trunc(x * 2^{model.InputDecimal}) clamped to {model.InputBits} bits.
             * Output: int32 [{string.Join(", ", code.OutputShape)}] = the float pipeline's output * 2^{model.OutputDecimal}, exactly.
             * Use: in exactly one C file, #define QSPARSE_IMPLEMENTATION before #include "{name}". qsparse_run
             * uses static work buffers ({I(code.WorkBytes)} bytes): it is not reentrant. C99, no allocation, no floating point. */
            #ifndef {guard}
            #define {guard}

            #include <stdint.h>

            #define QSPARSE_INPUT_SIZE {I(code.InputShape.Aggregate(1L, (a, b) => a * b))}
            #define QSPARSE_INPUT_DECIMAL {I(model.InputDecimal)}
            #define QSPARSE_INPUT_BITS {I(model.InputBits)}
            #define QSPARSE_OUTPUT_SIZE {I(code.OutputShape.Aggregate(1L, (a, b) => a * b))}
            #define QSPARSE_OUTPUT_DECIMAL {I(model.OutputDecimal)}

            /* One example: input at QSPARSE_INPUT_DECIMAL in, output at QSPARSE_OUTPUT_DECIMAL out. */
            void qsparse_run(const int8_t input[QSPARSE_INPUT_SIZE], int32_t output[QSPARSE_OUTPUT_SIZE]);

            #endif /* {guard} */

            #ifdef QSPARSE_IMPLEMENTATION

            """);
        text.Append('\n').Append(code.Constants).Append('\n').Append(code.Buffers).Append('\n');
        text.Append("void qsparse_run(const int8_t input[QSPARSE_INPUT_SIZE], int32_t output[QSPARSE_OUTPUT_SIZE])\n{\n");
        text.Append(code.Body).Append("}\n\n#endif /* QSPARSE_IMPLEMENTATION */\n");
        return text.ToString();
    }

    /// <summary>Writes <paramref name="model"/>'s header to <paramref name="path"/> (a temporary file renamed).</summary>
    public static void Save(OnnxIntModel model, string path)
    {
        var bytes = new UTF8Encoding(false).GetBytes(Header(model, Path.GetFileName(path)));
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
