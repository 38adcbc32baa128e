"""The national-scale benchmark of Klyngeportal (see docs/benchmark.md)."""
