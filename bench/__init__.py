"""Benchmark command for the cleaning pipeline: metrics, corpus readers, runner.

Run ``python -m bench.run --help``.
"""
