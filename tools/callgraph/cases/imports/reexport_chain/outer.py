from middle import compute
