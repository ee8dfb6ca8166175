using System.Text.Json.Nodes;
using QSparse.Nn;

namespace QSparse.Tests;

/// <summary>The golden JSON tensors: {"shape": [...], "dtype": "f32"|"int"|"bool", "data": [...]} in row-major order.</summary>
public static class JsonTensor
{
    public static int[] Shape(JsonNode t) => t["shape"]!.AsArray().Select(n => (int)n!).ToArray();

    public static float[] Floats(JsonNode t) => t["data"]!.AsArray().Select(n => (float)(double)n!).ToArray();

    public static bool[] Bools(JsonNode t) => t["data"]!.AsArray().Select(n => (bool)n!).ToArray();

    public static Tensor ToDevice(Device device, JsonNode t) => Tensor.FromArray(device, Floats(t), Shape(t));
}
