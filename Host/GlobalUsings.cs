global using QSparse.Kernels;
global using QSparse.Nn;
