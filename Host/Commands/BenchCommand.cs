using System.CommandLine;
using QSparse.Host.Benchmarks;

namespace QSparse.Host.Commands;

/// <summary>
/// <c>qsparse bench</c>: times SGEMM, the conv2 passes, the seed network's training step (float and active
/// quantize+prune), the QSPARSE events and the first-launch cost on one device; prints a table and writes JSON.
/// </summary>
static class BenchCommand
{
    public static Command Create()
    {
        var device = DeviceOption.Create();
        var json = new Option<string?>("--json") { Description = "also write the rows as JSON to this file (rewritten after each row)" }.NonEmpty();
        var quick = new Option<bool>("--quick") { Description = "batch 64 only and one first-launch row: about a minute on a 2-core CPU" };
        var full = new Option<bool>("--full") { Description = "SGEMM at 4096³ on CPU devices too (default there: 1024³)" };
        var repeats = new Option<int?>("--repeats") { Description = "timed runs of each workload after its warm-up (default 5, --quick 3)" }.AtLeast(1);
        var networks = new Option<bool>("--networks") { Description = "instead: the example networks' training steps only (ResNet-20, ESPCN, pix2pix U-Net, MobileNetV2)" };
        var profile = new Option<int?>("--profile") { Description = "instead: profile this many steady training steps per mode, op by op (forward, backward, optimizer)" }.AtLeast(1);
        var command = new Command("bench", "time the compute core, the training step and the QSPARSE events on one device; print a table, write JSON")
        {
            device, json, quick, full, repeats, profile, networks,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(profile) is { } steps)
                return Profile(parse.GetValue(device), steps, parse.GetValue(networks));
            if (parse.GetValue(json) is { } jsonPath)
                OutputFiles.Check(("--json", jsonPath));
            bool isQuick = parse.GetValue(quick);
            int n = parse.GetValue(repeats) ?? (isQuick ? 3 : 5);
            return Run(new BenchOptions(parse.GetValue(device), n, isQuick, parse.GetValue(full), parse.GetValue(networks)), parse.GetValue(json));
        });
        return command;
    }

    static int Profile(string? deviceSpec, int steps, bool networks)
    {
        QSparseOptions.Set(logOnCreated: false, logDuringTrain: false);
        using var device = Device.Open(deviceSpec);
        StepProfile.Run(device, steps, networks);
        return 0;
    }

    static int Run(BenchOptions options, string? jsonPath)
    {
        // The layers' schedule messages would bury the rows; the bench is a process of its own, so the global switch is safe.
        QSparseOptions.Set(logOnCreated: false, logDuringTrain: false);
        using var device = Device.Open(options.Device);
        var peak = DevicePeak.Of(device);
        Console.Error.WriteLine($"bench: {device}, {options.Repeats} timed runs per workload{(options.Quick ? ", quick" : "")}; peak: {peak.Source}");
        var report = new BenchReport(device.ToString(), options, peak);
        BenchSuite.Run(device, options, row =>
        {
            report.Add(row);
            Console.Error.WriteLine($"  {report.Line(row)}");
            if (jsonPath != null)
                report.WriteJson(jsonPath);
        });
        report.Print();
        if (jsonPath != null)
            Console.WriteLine($"json: {jsonPath}");
        return report.Results.Any(r => r.Error != null) ? 1 : 0;
    }
}
