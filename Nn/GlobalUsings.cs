global using Device = QSparse.Kernels.Device;
