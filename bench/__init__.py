"""Benchmarks of renda beside the physical limits of the same machine (`python -m bench.run`).

Not timed tests: nothing here asserts on speed. See bench/README.md.
"""
