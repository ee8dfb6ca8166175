namespace QSparse.Host; static class Program { static int Main() => 0; }
