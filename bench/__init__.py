"""Benchmarks (``make bench``) and the long reliability suite (``make reliability``).

Every benchmark runs as ``python -m bench.<name>`` and prints one JSON object on its last line.
The machine these run on is shared and noisy, so each measure is reported as a ratio to a
baseline measured in the same run, with medians (or p95) over repeated runs.
"""
