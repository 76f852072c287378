"""ccsdk's benchmark suite: ``nox -s bench`` (see :mod:`benchmarks.run`).

Speed is measured here, never by timed assertions in the tests. Each row
runs the public API on trio and on asyncio against a fake CLI that costs
nothing (:mod:`benchmarks.fake_cli`), next to a floor that reads the same
bytes from the same pipe with ``json.loads`` in a bare loop
(:mod:`benchmarks.floor`), and is reported as a ratio to that floor.
"""
