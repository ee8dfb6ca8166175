using QSparse.Kernels;
using QSparse.Nn;
using static QSparse.Nn.QSparseOps;

// A small convolutional network, its input, weights and activations quantized to 8 bits and its convolution's weights
// pruned to 50%, trained on one batch of random images on the CPU. The QSPARSE layers act on a schedule of steps:
// the quantizers fix their decimals after step 4 and log them; the pruner masks half the weights in two steps
// (steps 8 and 10).
QSparseOptions.Set(logOnCreated: false);
using var device = Device.Open("cpu");
var generator = new Generator(1);
var model = AutoNamePruneQuantizeLayers(new Sequential(
    ("qin", Quantize(bits: 8, channelwise: -1, timeout: 4, device: device)),
    ("conv", Quantize(Prune(new Conv2d(1, 8, 3, device: device, generator: generator), sparsity: 0.5, start: 6, interval: 2, repetition: 2),
        bits: 8, channelwise: 1, timeout: 4)),
    ("q1", Quantize(bits: 8, channelwise: -1, timeout: 4, device: device)),
    ("relu", new ReLU(device)),
    ("flatten", new Flatten(device: device)),
    ("fc", Quantize(new Linear(8 * 6 * 6, 4, device: device, generator: generator), bits: 8, channelwise: -1, timeout: 4)),
    ("log_softmax", new LogSoftmax(1, device))));

var images = Tensor.Randn(device, [16, 1, 8, 8], new Generator(2));
var labels = Tensor.FromArray(device, [.. Enumerable.Range(0, 16).Select(i => i % 4)], 16);
var optimizer = new Adam(model.Parameters(), lr: 0.01);
model.Train();
for (int step = 1; step <= 12; step++)
{
    using var scope = new TensorScope();
    var loss = Functional.NllLoss(model.Forward(images), labels);
    optimizer.ZeroGrad();
    loss.Backward();
    optimizer.Step();
    Console.WriteLine($"step {step}: loss {loss.Item():F4}");
}
