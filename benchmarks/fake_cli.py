"""A stand-in ``claude`` that costs nothing while it talks, so the SDK is the bottleneck.

It loads the bytes it will write (rendered beforehand by
:mod:`benchmarks.scenarios`) *before* it reads the ``initialize`` request,
answers ``initialize`` with ``{"claude_code_version": "2.1.331"}`` (and any
other control request with an empty success), and on every user message
writes the whole pre-rendered turn to stdout with ``os.write``: no JSON
encoding, no buffering, no per-line work while the reader is being timed.

Just before it writes a turn it appends ``time.monotonic_ns()`` to the file
named by ``BENCH_STAMPS`` (after the write, so the write is not delayed).
CLOCK_MONOTONIC is one clock for every process on Linux, so the harness can
time "the CLI starts writing" -> "the consumer holds the result" even through
``query()``, which gives no hook between its handshake and its prompt.

It exits (``os._exit``, skipping teardown) when its stdin ends. Stdlib only:
it runs as ``python -I -S fake_cli.py``, which starts in about 10 ms.
"""

from __future__ import annotations

import json
import os
import sys
import time

VERSION = "2.1.331"


def write_all(data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(1, view) :]


def main() -> None:
    with open(os.environ["BENCH_OUTPUT"], "rb") as f:
        turn = f.read()
    stamps = os.environ.get("BENCH_STAMPS")
    for line in sys.stdin.buffer:
        frame = json.loads(line)
        kind = frame.get("type")
        if kind == "control_request":
            subtype = frame["request"].get("subtype")
            answer = {"claude_code_version": VERSION} if subtype == "initialize" else {}
            body = {"subtype": "success", "request_id": frame["request_id"], "response": answer}
            write_all(json.dumps({"type": "control_response", "response": body}).encode() + b"\n")
        elif kind == "user":
            started = time.monotonic_ns()
            write_all(turn)
            if stamps:
                with open(stamps, "a") as f:
                    f.write(f"{started}\n")
    os._exit(0)


if __name__ == "__main__":
    main()
