from inner import compute
