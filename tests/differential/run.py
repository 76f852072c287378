"""Differential checks: the same user programs against the official SDK and ccsdk.

Each program in ``programs/`` is written against ``claude_agent_sdk`` (or
``claude_code_sdk``) exactly as users write it. This runner runs it twice, each
time with the real CLI talking to a fresh :class:`ccsdk.testing.FakeModel` on
127.0.0.1 that plays the same script:

* as written, with the Python of a virtualenv holding the official SDKs;
* with only the package name changed (``claude_agent_sdk`` and
  ``claude_code_sdk`` become ``ccsdk``, textually), with ccsdk's Python.

It compares what the two print (stdout, the exit code, the exception a
traceback ends with, and whether the program left processes behind), prints a
unified diff per program and a summary, and exits 1 if a differing line is not
allowed by ``expected_differences.json``::

    {"program name": [{"line pattern": "regex", "reason": "why"}], "*": [...]}

A pattern is searched (``re.search``) in each ``-``/``+`` line of the diff,
without its prefix; ``"*"`` applies to every program.

Programs read ``DIFF_CLI`` (the CLI binary), ``DIFF_CWD`` (a scratch project
directory) and ``DIFF_BASE_URL`` (the fake's URL) from the environment; the
rest of the fake's variables (``ANTHROPIC_BASE_URL``, a dummy key, a scratch
``HOME``, ``CLAUDE_CODE_MAX_RETRIES=0``, ...) are in the environment the
program, and so the CLI, inherits. ``PATH`` starts with a folder holding a
``claude`` link to the CLI, for ``claude_code_sdk``, which has no ``cli_path``;
``claude_agent_sdk`` programs pass ``cli_path``, since that SDK would otherwise run the
CLI bundled in its wheel (another version) before looking at ``PATH``.

To add a program: write it in ``programs/`` against the official package, printing
only deterministic lines (names, texts, booleans, counts), and give it a FakeModel
script in ``SCRIPTS``; ``--self-check`` shows whether its output is stable.

Usually run through ``nox -s differential``, which builds both virtualenvs::

    python tests/differential/run.py --official-python OFFICIAL/bin/python \\
        [--ccsdk-python PY] [--cli PATH] [--only a,b] [--out DIR] [--timeout S]
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ccsdk.testing import FakeModel, Turn, cli_version, ensure_cli, text, thinking, tool_use

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
ALLOW_LIST = HERE / "expected_differences.json"

Script = Callable[[Path], list[Turn]]


def _echo_then(answer: str) -> Script:
    return lambda cwd: [
        Turn([tool_use("Bash", {"command": "echo hi"}, id="toolu_echo")]),
        Turn([text(answer)]),
    ]


def _say(*answers: str) -> Script:
    return lambda cwd: [Turn([text(a)]) for a in answers]


def _write_notes(cwd: Path) -> list[Turn]:
    write = {"file_path": str(cwd / "notes.txt"), "content": "hello\n"}
    return [Turn([tool_use("Write", write, id="toolu_write")]), Turn([text("Written.")])]


def _add(cwd: Path) -> list[Turn]:
    return [
        Turn([tool_use("mcp__calc__add", {"a": 2, "b": 3}, id="toolu_add")]),
        Turn([text("2 + 3 = 5")]),
    ]


def _errors(cwd: Path) -> list[Turn]:
    return [
        Turn.http_error(500, "the fake is down"),
        Turn([tool_use("Bash", {"command": "echo hi"}, id="toolu_echo")]),
        # Spare: taken only if the CLI asks again despite max_turns=1.
        Turn([text("One turn too many.")]),
    ]


def _greeting(cwd: Path) -> list[Turn]:
    return [Turn([thinking("A greeting is asked for."), text("Hello there.")])]


#: What the fake answers, per program (by file stem); the argument is the cwd.
SCRIPTS: dict[str, Script] = {
    "types_imports": _say("Hello there."),
    "dispatch": _echo_then("It printed hi."),
    "asdict_json": _greeting,
    "options_dataclass": _say("Noted.", "tangerine"),
    "process_error": _errors,
    "sessions": _say("Hello there."),
    "hooks": _echo_then("Done."),
    "can_use_tool": _write_notes,
    "client_two_turns": _say("First answer.", "Second answer."),
    "tool_server": _add,
    "code_sdk_query": _echo_then("It printed hi."),
    "code_sdk_client": _say("Hi."),
    "errors": _say(),
    "blocks_repr": _echo_then("It printed hi."),
}

_PACKAGES = re.compile(r"\b(?:claude_agent_sdk|claude_code_sdk)\b")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
_ADDRESS = re.compile(r"\b0x[0-9a-f]{6,}\b")
_PORT = re.compile(r"\b(127\.0\.0\.1|localhost):\d+")
_SDK_NAME = re.compile(r"\b(?:claude_agent_sdk|claude_code_sdk|ccsdk)\b")
#: Where the package is installed differs (a source tree, site-packages).
_INSTALLED = re.compile(r"/[^\s()'\"]*/<sdk>/")


def as_ccsdk(source: str) -> str:
    """The program with only the package name changed: the drop-in promise."""
    return _PACKAGES.sub("ccsdk", source)


@dataclass
class Run:
    """What one run of one program showed, normalised for comparison."""

    lines: list[str]
    exit_code: int | None
    stderr: str
    timed_out: bool = False


@dataclass
class Outcome:
    name: str
    official: Run
    ccsdk: Run
    diff: list[str] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.diff:
            return "same"
        return "DIFFERS" if self.unexplained else "allowed"


def normalise(value: str, tmp: Path) -> str:
    value = value.replace(str(tmp.resolve()), "<tmp>").replace(str(tmp), "<tmp>")
    value = _UUID.sub("<uuid>", value)
    value = _ADDRESS.sub("<address>", value)
    value = _PORT.sub(r"\1:<port>", value)
    value = _SDK_NAME.sub("<sdk>", value)
    return _INSTALLED.sub("<sdk>/", value)


def raised(stderr: str) -> str | None:
    """The exception line that the last traceback on stderr ends with, if any."""
    lines = stderr.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent")]
    if not starts:
        return None
    for line in lines[starts[-1] + 1 :]:
        if line and not line.startswith(" "):
            return line
    return None


def _marked(marker: str) -> list[int]:
    """Live processes whose environment holds ``DIFF_RUN=marker`` (Linux /proc).

    Every process a program starts inherits the variable, also a CLI that its
    SDK put in a process group of its own, so this finds what a run left behind.
    """
    wanted = f"DIFF_RUN={marker}".encode()
    pids: list[int] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return pids
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:  # gone, or not ours to read
            continue
        if wanted in environ.split(b"\0"):
            pids.append(int(entry.name))
    return pids


def _kill(pids: Sequence[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _leftovers(marker: str, grace: float = 3.0) -> list[int]:
    """What is still running ``grace`` seconds after the program exited."""
    deadline = time.monotonic() + grace
    while (pids := _marked(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return pids


def run_program(name: str, source: str, python: str, cli: Path, timeout: float, keep: bool) -> Run:
    """Run ``source`` with ``python`` against a fresh FakeModel in a scratch dir.

    Whatever the program started is killed before this returns, also when it
    timed out or this was interrupted; the scratch dir is removed unless ``keep``.
    """
    tmp = Path(tempfile.mkdtemp(prefix=f"ccsdk-diff-{name}-"))
    marker = str(tmp)
    try:
        home, cwd, bin_dir = tmp / "home", tmp / "project", tmp / "bin"
        for d in (home, cwd, bin_dir):
            d.mkdir()
        (bin_dir / "claude").symlink_to(cli)
        program = tmp / f"{name}.py"
        program.write_text(source)
        with FakeModel(SCRIPTS[name](cwd)) as model:
            env = model.env(home, base=os.environ)
            env.update(
                DIFF_CLI=str(cli),
                DIFF_CWD=str(cwd),
                DIFF_BASE_URL=model.base_url,
                DIFF_RUN=marker,
                PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
                PYTHONDONTWRITEBYTECODE="1",
                PYTHONUNBUFFERED="1",
            )
            for variable in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "CCSDK_CLI"):
                env.pop(variable, None)
            # Files, not pipes: a process left behind would hold a pipe open.
            with (tmp / "stdout").open("w") as stdout, (tmp / "stderr").open("w") as stderr:
                proc = subprocess.Popen(
                    [python, str(program)],
                    cwd=cwd,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=stdout,
                    stderr=stderr,
                    start_new_session=True,
                )
            timed_out = False
            try:
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    timed_out = True
                left_behind = _leftovers(marker, grace=0.0 if timed_out else 3.0)
            finally:
                _kill_group(proc.pid)
                _kill(_marked(marker))
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
            out = (tmp / "stdout").read_text(errors="replace")
            err = (tmp / "stderr").read_text(errors="replace")
        lines = [normalise(line, tmp) for line in out.splitlines()]
        exception = raised(err)
        if exception is not None:
            lines.append(f"[raised] {normalise(exception, tmp)}")
        if timed_out:
            lines.append(f"[timed out after {timeout:g} s]")
        else:
            lines.append(f"[exit code {proc.returncode}]")
        if left_behind and not timed_out:
            lines.append("[processes still running after the program exited]")
        return Run(lines, proc.returncode, normalise(err, tmp), timed_out)
    finally:
        if keep:
            print(f"  kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def load_allow_list(path: Path) -> dict[str, list[dict[str, str]]]:
    data: object = json.loads(path.read_text()) if path.exists() else {}
    if not isinstance(data, dict):
        raise SystemExit(f"{path}: expected an object of program name -> list")
    checked: dict[str, list[dict[str, str]]] = {}
    for name, entries in data.items():
        if not isinstance(entries, list):
            raise SystemExit(f"{path}: {name}: expected a list")
        for entry in entries:
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("line pattern"), str)
                and isinstance(entry.get("reason"), str)
            ):
                raise SystemExit(f'{path}: {name}: each entry is {{"line pattern", "reason"}}')
            re.compile(entry["line pattern"])
        checked[str(name)] = entries
    return checked


def compare(
    name: str, official: Run, ccsdk: Run, allow: dict[str, list[dict[str, str]]]
) -> Outcome:
    outcome = Outcome(name, official, ccsdk)
    outcome.diff = list(
        difflib.unified_diff(
            official.lines,
            ccsdk.lines,
            fromfile=f"{name} (official)",
            tofile=f"{name} (ccsdk)",
            lineterm="",
        )
    )
    patterns = allow.get(name, []) + allow.get("*", [])
    for line in outcome.diff:
        if line.startswith(("---", "+++", "@@")) or not line.startswith(("-", "+")):
            continue
        if any(re.search(p["line pattern"], line[1:]) for p in patterns):
            outcome.allowed.append(line)
        else:
            outcome.unexplained.append(line)
    return outcome


def stale_patterns(
    outcomes: Sequence[Outcome], allow: dict[str, list[dict[str, str]]]
) -> list[tuple[str, str]]:
    """Allow-list entries of the programs that ran that matched no differing line."""
    ran = {o.name: o for o in outcomes}
    stale: list[tuple[str, str]] = []
    for program, entries in allow.items():
        if program != "*" and program not in ran:
            continue
        lines = [
            line[1:] for o in (outcomes if program == "*" else [ran[program]]) for line in o.allowed
        ]
        stale += [
            (program, e["line pattern"])
            for e in entries
            if not any(re.search(e["line pattern"], line) for line in lines)
        ]
    return stale


def describe(python: str, module: str) -> str:
    probe = (
        "import importlib.metadata as m, sys\n"
        f"name = {module!r}\n"
        "try:\n"
        "    print(m.version(name.replace('_', '-')))\n"
        "except m.PackageNotFoundError:\n"
        "    print('not installed')\n"
    )
    out = subprocess.run(
        [python, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    return out.stdout.strip() or out.stderr.strip().splitlines()[-1]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--official-python",
        default=os.environ.get("DIFF_OFFICIAL_PYTHON"),
        help="python of a venv with claude-agent-sdk and claude-code-sdk (no ccsdk)",
    )
    parser.add_argument(
        "--ccsdk-python", default=sys.executable, help="python of a venv with ccsdk"
    )
    parser.add_argument("--cli", help="the claude binary (default: ensure_cli())")
    parser.add_argument("--only", help="comma-separated program names")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per run")
    parser.add_argument("--out", help="also write each run's output and stderr here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directories")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="run each program twice with the official SDK: a difference means the "
        "program prints something unstable",
    )
    parser.add_argument("--verbose", action="store_true", help="show stderr of differing runs")
    args = parser.parse_args(argv)
    if not args.official_python:
        parser.error("--official-python (or DIFF_OFFICIAL_PYTHON) is required")
    # Programs run in a scratch cwd: make the interpreters absolute (without
    # resolving the symlink, which would leave the virtualenv).
    for attr in ("official_python", "ccsdk_python"):
        value = getattr(args, attr)
        found = shutil.which(value) if os.sep not in value else value
        if found is None:
            parser.error(f"{value}: no such python")
        setattr(args, attr, os.path.abspath(found))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    cli = Path(args.cli).resolve() if args.cli else ensure_cli().resolve()
    names = sorted(p.stem for p in PROGRAMS.glob("*.py"))
    missing = [n for n in names if n not in SCRIPTS]
    if missing:
        raise SystemExit(f"no FakeModel script for: {', '.join(missing)}")
    if args.only:
        wanted = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            raise SystemExit(f"unknown program(s): {', '.join(unknown)}")
        names = [n for n in names if n in wanted]
    allow = load_allow_list(ALLOW_LIST)

    print(f"CLI {cli_version(cli)} at {cli}")
    print(
        f"official: claude-agent-sdk {describe(args.official_python, 'claude_agent_sdk')}, "
        f"claude-code-sdk {describe(args.official_python, 'claude_code_sdk')}"
        f" ({args.official_python})"
    )
    print(f"ccsdk: {describe(args.ccsdk_python, 'ccsdk')} ({args.ccsdk_python})")
    if not args.self_check and describe(args.ccsdk_python, "claude_agent_sdk") != "not installed":
        raise SystemExit("the ccsdk venv must not have claude-agent-sdk installed")
    out_dir = Path(args.out) if args.out else None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)

    outcomes: list[Outcome] = []
    for name in names:
        source = (PROGRAMS / f"{name}.py").read_text()
        print(f"\n== {name}", flush=True)
        official = run_program(name, source, args.official_python, cli, args.timeout, args.keep)
        if args.self_check:
            ours = run_program(name, source, args.official_python, cli, args.timeout, args.keep)
        else:
            ours = run_program(
                name, as_ccsdk(source), args.ccsdk_python, cli, args.timeout, args.keep
            )
        outcome = compare(name, official, ours, allow)
        outcomes.append(outcome)
        if out_dir is not None:
            for label, run in (("official", official), ("ccsdk", ours)):
                (out_dir / f"{name}.{label}.out").write_text("\n".join(run.lines) + "\n")
                (out_dir / f"{name}.{label}.err").write_text(run.stderr)
        if not outcome.diff:
            print(f"same output ({len(official.lines)} lines)")
            continue
        print("\n".join(outcome.diff))
        if outcome.allowed and not outcome.unexplained:
            print("(every differing line is in expected_differences.json)")
        if args.verbose and outcome.unexplained:
            for label, run in (("official", official), ("ccsdk", ours)):
                print(f"-- stderr ({label}):\n{run.stderr.rstrip() or '(empty)'}")

    width = max(len(o.name) for o in outcomes) if outcomes else 0
    print("\n== summary")
    for o in outcomes:
        detail = f"{len(o.unexplained)} unexplained, {len(o.allowed)} allowed" if o.diff else ""
        print(
            f"{o.name:<{width}}  {o.status:<8} exit {o.official.exit_code} / "
            f"{o.ccsdk.exit_code}  {detail}".rstrip()
        )
    unused = stale_patterns(outcomes, allow)
    if unused:
        print("\nallow-list entries that matched no differing line (remove them?):")
        for program, pattern in unused:
            print(f"  {program}: {pattern!r}")
    failed = [o.name for o in outcomes if o.unexplained]
    print(f"\n{len(outcomes) - len(failed)} of {len(outcomes)} programs print the same")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
