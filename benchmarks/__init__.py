"""Benchmarks of the project: ``python -m benchmarks.run`` (``make bench``) writes results.md.

Every figure is a median of several runs, timed alternately with its baseline in the same loop
and reported as a ratio, because the machine is shared and noisy (see benchmarks/README.md).
"""
