global using NUnit.Framework;
global using Device = QSparse.Kernels.Device;
