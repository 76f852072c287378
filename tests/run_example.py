"""Run an example file under a chosen backend: ``python run_example.py trio FILE``.

The examples end with ``anyio.run(main)``, as the seed's do; for ``trio``
that call is redirected to ``trio.run(main)``, so each example is shown to
run under both without being edited.
"""

from __future__ import annotations

import runpy
import sys
from typing import Any

import anyio

backend, path = sys.argv[1], sys.argv[2]
if backend == "trio":
    import trio

    def run_on_trio(func: Any, *args: Any, **_: Any) -> Any:
        return trio.run(func, *args)

    anyio.run = run_on_trio
sys.argv = [path]
runpy.run_path(path, run_name="__main__")
