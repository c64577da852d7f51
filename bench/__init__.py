"""Benchmarks (not timed tests): ``python -m bench`` runs them all, ``--quick`` for a smoke run.

Each benchmark is a module with ``run(quick: bool) -> dict`` registered in ``bench.__main__``.
"""
