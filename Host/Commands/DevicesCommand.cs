using System.CommandLine;
using QSparse.Kernels;

namespace QSparse.Host.Commands;

/// <summary><c>qsparse devices</c>: every accelerator found, with its properties, and the one --device picks.</summary>
static class DevicesCommand
{
    public static Command Create()
    {
        var device = DeviceOption.Create();
        var command = new Command("devices", "list the accelerators ILGPU finds here and the one --device selects") { device };
        command.SetAction(parse =>
        {
            var found = Device.Available();
            Console.WriteLine($"{"kind",-15} {"name",-40} {"memory",10} {"SMs",5} {"warp",5} {"group",6} {"shared",8}");
            foreach (var d in found)
                Console.WriteLine(
                    $"{d.Kind.Name(),-15} {Truncate(d.Name, 40),-40} {Memory(d),10} {d.Multiprocessors,5} {d.WarpSize,5} {d.MaxThreadsPerGroup,6} {d.MaxSharedMemoryPerGroup / 1024,5} KiB");
            using var chosen = Device.Open(parse.GetValue(device));
            Console.WriteLine($"selected: {chosen}");
            return 0;
        });
        return command;
    }

    // The CPU accelerator reports the address space, not memory: show the host's RAM instead.
    static string Memory(DeviceInfo d) =>
        $"{(d.Kind is DeviceKind.Cpu or DeviceKind.CpuAccelerator or DeviceKind.SimulatedGpu ? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes : d.MemoryBytes) / (1 << 20)} MiB";

    static string Truncate(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
