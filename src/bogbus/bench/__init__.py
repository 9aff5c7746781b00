"""Benchmarks on published instance sets, solved by the same engine as `bogbus plan`.

`python -m bogbus.bench <set> PATH --time-limit S [--seed N]` prints one JSON object
with the routes, so anyone can re-check and re-cost them (see docs/benchmarks.md).
"""
