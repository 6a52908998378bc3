"""Benchmarks (not timed tests): run them by hand, read the numbers in bench/README.md."""
