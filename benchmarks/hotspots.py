"""Where the SDK spends a row's time: ``python -m benchmarks.hotspots ROW``.

Runs one row's SDK side under :mod:`cProfile` (after an unprofiled run and
the floor, for scale) and prints the time by area (a ccsdk module, trio,
anyio, asyncio, the JSON decoder, ...) and the functions with the most
time of their own, in microseconds per message (or per turn). cProfile
charges a fixed cost to every call, so code made of many small calls looks
heavier than it is: read the shares as an order, and confirm a fix with
``benchmarks.run``.

Rows: small, large, huge, turns, client. Example::

    python -m benchmarks.hotspots small --backend asyncio --count 20000

``--stages`` measures instead, without a profiler, what each stage of the
pipeline costs on the row's bytes, in memory: framing alone, ``json.loads``
alone, ``decode_message`` alone, the whole sans-IO ``Connection``; the rest
of the SDK's time (engine, ``query()``, the event loop) is the difference
from the real run. Those figures are exact; cProfile's are not.

``--sample`` profiles by sampling instead: ``SIGPROF`` every half
millisecond of CPU time, and the handler counts, for each function, the
share of samples with it on the stack (inclusive) and the share with it
innermost among ccsdk's frames (what ccsdk itself was doing, the library
calls it made included). No per-call overhead, so small functions are not
inflated. Python runs the handler between bytecodes, so a long C call
(``json.loads`` of a big line) is charged to the Python function calling it.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import signal
import sys
import tempfile
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import anyio
import anyio.lowlevel

from benchmarks import floor, sdk
from benchmarks.fake_cli import VERSION
from benchmarks.scenarios import Scenario, make_scenario, render_stream, render_turn
from ccsdk import ByteTransport, query

ROOT = Path(__file__).resolve().parent.parent

CONNECTION = "Connection, all (framing + loads + codec + state)"
IN_MEMORY = "query() over an in-memory transport on {backend} (no pipe)"
# (count, text bytes) per stream row at full size.
STREAMS = {"small": (100_000, 200), "large": (1_000, 100_000), "huge": (1, 50_000_000)}


def area(filename: str, name: str) -> str:
    """A coarse owner for a profile entry: a ccsdk module, a library, or a builtin."""
    if filename == "~":  # a builtin: name it, they are few and telling
        return name.replace("<", "").replace(">", "")
    path = filename.replace("\\", "/")
    if "/ccsdk/" in path:
        return "ccsdk/" + path.rsplit("/ccsdk/", 1)[1]
    for lib in ("trio", "anyio", "asyncio", "json", "attr", "cattrs", "outcome", "selectors"):
        if f"/{lib}/" in path or path.endswith(f"/{lib}.py"):
            return lib
    return path.rsplit("/", 1)[-1]


def report(stats: pstats.Stats, units: int, unit: str, top: int) -> str:
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw.values())  # tottime
    by_area: dict[str, float] = defaultdict(float)
    for (filename, _, name), entry in raw.items():
        by_area[area(filename, name)] += entry[2]
    lines = [f"profiled total {total:.3f} s = {total / units * 1e6:.1f} us/{unit}", "", "by area:"]
    for name, seconds in sorted(by_area.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"  {seconds / total:6.1%}  {seconds / units * 1e6:8.2f} us/{unit}  {name}")
    lines += ["", "by function (own time):"]
    ranked = sorted(raw.items(), key=lambda kv: -kv[1][2])[:top]
    for (filename, lineno, name), entry in ranked:
        where = area(filename, name) + (f":{lineno}" if filename != "~" else "")
        lines.append(
            f"  {entry[2] / total:6.1%}  {entry[2] / units * 1e6:8.2f} us/{unit}  "
            f"{entry[1]:>9} calls  {name}  ({where})"
        )
    return "\n".join(lines)


def _best(fn: Callable[[], object], reps: int = 15) -> float:
    """Best CPU time of ``reps`` runs: in memory, CPU time is the cost, and other load
    on the machine does not inflate it the way it inflates wall time."""
    times = []
    for _ in range(reps):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


class MemoryCLI(ByteTransport):
    """An in-process CLI: the fake's bytes in pipe-sized chunks, with no pipe and no process.

    ``query()`` over it costs the SDK's own work (Connection, engine, task
    groups, the event loop) without system calls: subtracted from the real
    run, it leaves the cost of the I/O.
    """

    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks
        self._pending: deque[bytes] = deque()
        self._input_open = True
        self._wake = anyio.Event()

    async def connect(self) -> None:
        pass

    def is_ready(self) -> bool:
        return self._input_open

    async def send_bytes(self, data: bytes) -> None:
        for line in data.splitlines():
            frame = json.loads(line)
            if frame["type"] == "control_request":
                body = {"subtype": "success", "request_id": frame["request_id"]}
                body["response"] = {"claude_code_version": VERSION}
                response = {"type": "control_response", "response": body}
                self._pending.append(json.dumps(response).encode() + b"\n")
            elif frame["type"] == "user":
                self._pending.extend(self._chunks)
        self._wake.set()

    async def receive_bytes(self) -> bytes:
        while not self._pending:
            if not self._input_open:
                return b""
            self._wake = anyio.Event()
            await self._wake.wait()
        await anyio.lowlevel.checkpoint()  # as a read from a pipe does
        return self._pending.popleft()

    async def end_input(self) -> None:
        self._input_open = False
        self._wake.set()

    async def close(self) -> None:
        await self.end_input()


async def _query_in_memory(chunks: list[bytes]) -> None:
    async for _ in query(prompt="go", transport=MemoryCLI(chunks)):
        pass


def stages(lines: list[bytes]) -> dict[str, float]:
    """CPU seconds each in-memory stage takes over ``lines``, in pipe-sized chunks.

    Measured on a slice of about 8 MB, many times, the best kept: short runs
    are likelier to catch a quiet moment on a shared machine.
    """
    from ccsdk.protocol.codec import decode_message
    from ccsdk.protocol.connection import Connection
    from ccsdk.protocol.framing import LineBuffer

    scale = 1.0
    if len(lines) > 10 and sum(map(len, lines)) > 8 << 20:
        keep = max(10, len(lines) * (8 << 20) // sum(map(len, lines)))
        scale = len(lines) / keep
        lines = lines[: keep - 2] + lines[-2:]  # the turn must still end: result, idle
    data = b"".join(lines)
    chunks = [data[i : i + 65536] for i in range(0, len(data), 65536)]  # what a pipe yields
    objs = [json.loads(line) for line in lines]

    def framing() -> None:
        buffer = LineBuffer(1 << 30)
        for chunk in chunks:
            buffer.feed(chunk)

    def loads() -> None:
        for line in lines:
            json.loads(line)

    def codec() -> None:
        for obj in objs:
            decode_message(obj)

    def connection() -> None:
        conn = Connection(max_line_bytes=1 << 30)
        for chunk in chunks:
            conn.receive_data(chunk)
            conn.next_events()

    def in_memory(backend: str) -> Callable[[], None]:
        return lambda: anyio.run(_query_in_memory, chunks, backend=backend)

    out = {
        "framing (LineBuffer.feed)": _best(framing),
        "json.loads": _best(loads),
        "decode_message": _best(codec),
        CONNECTION: _best(connection),
        IN_MEMORY.format(backend="trio"): _best(in_memory("trio")),
        IN_MEMORY.format(backend="asyncio"): _best(in_memory("asyncio")),
    }
    try:
        import orjson
    except ImportError:
        pass
    else:

        def fast() -> None:
            for line in lines:
                orjson.loads(line)

        out["(orjson.loads, for comparison)"] = _best(fast)
    return {name: seconds * scale for name, seconds in out.items()}


class Sampler:
    """Samples the main thread's Python stack on ``SIGPROF`` (every ``interval`` of CPU)."""

    def __init__(self, interval: float = 0.0005) -> None:
        self.interval = interval
        self.samples = 0
        self.inclusive: Counter[str] = Counter()
        self.ccsdk_top: Counter[str] = Counter()

    def __enter__(self) -> Sampler:
        signal.signal(signal.SIGPROF, self._sample)
        signal.setitimer(signal.ITIMER_PROF, self.interval, self.interval)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, signal.SIG_DFL)

    def _sample(self, signum: int, frame: FrameType | None) -> None:
        self.samples += 1
        seen: set[str] = set()
        top: str | None = None
        while frame is not None:
            code = frame.f_code
            name = f"{code.co_name} ({area(code.co_filename, code.co_name)})"
            seen.add(name)
            if top is None and "/ccsdk/" in code.co_filename:
                top = name
            frame = frame.f_back
        self.inclusive.update(seen)
        self.ccsdk_top[top or "(no ccsdk frame: the event loop, the benchmark)"] += 1

    def report(self, top: int) -> str:
        n = max(self.samples, 1)
        lines = [f"{self.samples} samples", "", "innermost ccsdk frame (self + the calls it made):"]
        for name, count in self.ccsdk_top.most_common(top):
            lines.append(f"  {count / n:6.1%}  {name}")
        lines += ["", "on the stack (inclusive), ccsdk, anyio, trio and asyncio frames:"]
        keep = ("(ccsdk/", "(trio)", "(anyio)", "(asyncio)")
        ranked = [(k, v) for k, v in self.inclusive.most_common() if k.endswith(keep)]
        for name, count in ranked[:top]:
            lines.append(f"  {count / n:6.1%}  {name}")
        return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hotspots", description=__doc__)
    parser.add_argument("row", choices=[*STREAMS, "turns", "client"])
    parser.add_argument("--backend", default="trio", choices=["trio", "asyncio"])
    parser.add_argument("--count", type=int, help="messages (stream rows) or turns")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--save", type=Path, help="also write the raw pstats here")
    parser.add_argument("--stages", action="store_true", help="exact stage costs, no profiler")
    parser.add_argument("--sample", action="store_true", help="a sampling profile")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="ccsdk-hotspots-") as tmp:
        work = Path(tmp)
        if args.row in STREAMS:
            count, size = STREAMS[args.row]
            count = args.count or count
            lines = render_stream(count, size)
            scenario = make_scenario(work, args.row, lines)
            units, unit = scenario.messages, "message"

            def floor_run() -> dict[str, float]:
                return floor.floor_stream(scenario)

            def sdk_run() -> dict[str, float]:
                return anyio.run(sdk.sdk_stream, scenario, backend=args.backend)
        else:
            turns = args.count or 100
            lines = render_turn() * turns
            scenario = make_scenario(work, "turn", render_turn())
            units, unit = turns, "turn"
            fn: Callable[[Scenario, int], Any] = (
                sdk.sdk_turns if args.row == "turns" else sdk.sdk_turns_client
            )

            def floor_run() -> dict[str, float]:
                return {k: v * turns for k, v in floor.floor_turns(scenario, turns).items()}

            def sdk_run() -> dict[str, float]:
                result: dict[str, float] = anyio.run(fn, scenario, turns, backend=args.backend)
                return {k: v * turns for k, v in result.items()}

        sdk_run()  # warm-up
        reps = 5 if args.stages else 1
        sdk_runs = [sdk_run() for _ in range(reps)]
        floor_runs = [floor_run() for _ in range(reps)]
        wall = "window" if args.row in STREAMS else "per_turn"
        plain = min(r[wall] for r in sdk_runs)
        base = min(r[wall] for r in floor_runs)
        if args.stages:
            # CPU time: the in-memory stages are CPU time too, and load inflates it less.
            cpu = min(r["cpu"] for r in sdk_runs)
            floor_cpu = min(r["cpu"] for r in floor_runs)
            print(
                f"{args.row} on {args.backend}, {units:,} {unit}s, per {unit}: "
                f"wall: SDK {plain / units * 1e6:.2f} us, floor {base / units * 1e6:.2f} us "
                f"({plain / base:.2f}x); CPU: SDK {cpu / units * 1e6:.2f} us, "
                f"floor {floor_cpu / units * 1e6:.2f} us ({cpu / floor_cpu:.2f}x)"
            )
            costs = stages(lines)
            memory = costs[IN_MEMORY.format(backend=args.backend)]
            costs["runtime: in-memory query() - Connection"] = memory - costs[CONNECTION]
            if args.row in STREAMS:
                costs["I/O: SDK CPU - in-memory query()"] = cpu - memory
            else:  # the in-memory run streams every turn at once: no round trips
                costs["round trips: SDK CPU - in-memory query() of all turns"] = cpu - memory
            for name, seconds in costs.items():
                print(f"  {seconds / units * 1e6:9.2f} us  {seconds / cpu:6.1%} of SDK  {name}")
            return 0
        if args.sample:
            with Sampler() as sampler:
                for _ in range(5):  # the timer ticks at the kernel's pace: a few ms
                    sdk_run()
            print(f"{args.row} on {args.backend}, {units:,} {unit}s, 5 whole runs sampled")
            print(sampler.report(args.top))
            return 0
        profiler = cProfile.Profile()
        profiler.enable()
        sdk_run()
        profiler.disable()
    print(
        f"{args.row} on {args.backend}: SDK {plain * 1e3:.1f} ms unprofiled, "
        f"floor {base * 1e3:.1f} ms ({plain / base:.2f}x); "
        f"{units:,} {unit}s: SDK {plain / units * 1e6:.2f} us/{unit}, "
        f"floor {base / units * 1e6:.2f} us/{unit}"
    )
    stats = pstats.Stats(profiler)
    if args.save is not None:
        stats.dump_stats(args.save)
    print(report(stats, units, unit, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
