"""What the fake CLI says: realistic frames, rendered to files once per run.

Every row's output is rendered here, in the harness, before anything is
timed, and written to a file that :mod:`benchmarks.fake_cli` loads at start.
The frames look like the real CLI's (2.1.331, ``reference/cli-protocol.md``):
one ``assistant`` line per content block with ``message.id``, ``model``,
``usage``, ``session_id``, ``uuid`` and ``request_id``; a turn is framed by
``session_state_changed`` ``running`` / ``idle`` and carries a
``system/init`` and a ``result``. Text is ASCII prose with newlines (so
``\\n`` escapes occur, as in real answers), different for every message.

A :class:`Scenario` is an executable ``claude`` (a small ``sh`` wrapper that
names the rendered file) that both the SDK and the floor run.
"""

from __future__ import annotations

import json
import random
import shlex
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "Scenario",
    "make_scenario",
    "render_mirrored_stream",
    "render_stream",
    "render_turn",
    "text_of",
]

FAKE_CLI = Path(__file__).resolve().parent / "fake_cli.py"
SESSION_ID = "5f0c8a4e-9c1e-4f57-a7d2-3b7e51d0c9aa"
MODEL = "claude-sonnet-4-5-20250929"

_PROSE = (
    "the of and to in is it that for on with as this be are by from at or an was not "
    "function return value error file line test python async await task session "
    "message stream buffer result request response protocol output input process "
    "cancel scope nursery trio asyncio decode encode frame model content block"
)
_WORDS = _PROSE.split()


def _corpus(size: int, seed: int = 7) -> str:
    """``size`` characters of word salad, a newline after every 12 words or so."""
    rng = random.Random(seed)
    words = rng.choices(_WORDS, k=size // 4)
    lines = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
    text = "\n".join(lines)
    while len(text) < size:
        text += text
    return text[:size]


_CORPUS_BYTES = 1 << 20
_CORPUS = _corpus(2 * _CORPUS_BYTES)


def text_of(size: int, index: int) -> str:
    """``size`` characters of text, a different slice for each ``index``."""
    start = (index * 7919) % _CORPUS_BYTES
    if size <= _CORPUS_BYTES:
        return _CORPUS[start : start + size]
    # Big texts repeat the corpus: JSON decoding does not care.
    whole, rest = divmod(size, _CORPUS_BYTES)
    block = _CORPUS[start : start + _CORPUS_BYTES]
    return block * whole + block[:rest]


def _line(frame: dict[str, Any]) -> bytes:
    # Compact and raw UTF-8, as the CLI (JSON.stringify) writes it.
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def _assistant(text: str, rng: random.Random) -> dict[str, Any]:
    return {
        "type": "assistant",
        "message": {
            "id": f"msg_01{rng.getrandbits(96):024x}",
            "type": "message",
            "role": "assistant",
            "model": MODEL,
            "content": [{"type": "text", "text": text}],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {
                "input_tokens": 3,
                "cache_creation_input_tokens": 1520,
                "cache_read_input_tokens": 14108,
                "cache_creation": {
                    "ephemeral_5m_input_tokens": 1520,
                    "ephemeral_1h_input_tokens": 0,
                },
                "output_tokens": 47,
                "service_tier": "standard",
            },
        },
        "parent_tool_use_id": None,
        "session_id": SESSION_ID,
        "uuid": "0b2e8f3c-7a1d-4c5e-a9b8-6d4f2e1c0a97",
        "request_id": f"req_011C{rng.getrandbits(80):020x}",
    }


def _assistant_lines(texts: Iterable[str], rng: random.Random) -> Iterator[bytes]:
    """``_line(_assistant(text, rng))`` for each text, by filling in a template (fast)."""
    frame = _assistant("\x00TEXT", rng)
    frame["message"]["id"] = "\x00ID"
    frame["uuid"] = "\x00UUID"
    frame["request_id"] = "\x00REQ"
    # Split the template at the markers, which come in this order on the line.
    pieces = [_line(frame)]
    for marker in (b'"\\u0000ID"', b'"\\u0000TEXT"', b'"\\u0000UUID"', b'"\\u0000REQ"'):
        head, found, tail = pieces.pop().partition(marker)
        assert found, marker
        pieces += [head, tail]
    p0, p1, p2, p3, p4 = pieces
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    bits = rng.getrandbits
    for text in texts:
        u = f"{bits(128):032x}"
        yield b"".join(
            (
                p0,
                f'"msg_01{bits(96):024x}"'.encode(),
                p1,
                dumps(text).encode(),
                p2,
                f'"{u[:8]}-{u[8:12]}-4{u[13:16]}-a{u[17:20]}-{u[20:]}"'.encode(),
                p3,
                f'"req_011C{bits(80):020x}"'.encode(),
                p4,
            )
        )


def _state(state: str) -> dict[str, Any]:
    return {"type": "system", "subtype": "session_state_changed", "state": state,
            "sdk_host_only": True}  # fmt: skip


def _init() -> dict[str, Any]:
    return {
        "type": "system",
        "subtype": "init",
        "cwd": "/tmp/bench",
        "session_id": SESSION_ID,
        "tools": ["Task", "Bash", "Glob", "Grep", "Read", "Edit", "Write", "WebFetch"],
        "mcp_servers": [],
        "model": MODEL,
        "permissionMode": "default",
        "slash_commands": ["compact", "context", "cost", "init", "review"],
        "apiKeySource": "ANTHROPIC_API_KEY",
        "claude_code_version": "2.1.331",
        "output_style": "default",
        "agents": ["general-purpose"],
        "skills": [],
        "plugins": [],
        "uuid": "0b7f7c1e-4d6a-4b8e-9f59-3f7d8c2a1b10",
    }


def _result(num_turns: int, text: str) -> dict[str, Any]:
    return {
        "type": "result",
        "subtype": "success",
        "is_error": False,
        "duration_ms": 2210,
        "duration_api_ms": 2101,
        "num_turns": num_turns,
        "result": text,
        "session_id": SESSION_ID,
        "total_cost_usd": 0.0123,
        "usage": {"input_tokens": 3, "cache_read_input_tokens": 14108, "output_tokens": 47},
        "permission_denials": [],
        "terminal_reason": "completed",
        "uuid": "7e2d1f0a-5b3c-4e8d-a9f6-1c2b3d4e5f60",
    }


def render_stream(count: int, text_bytes: int) -> list[bytes]:
    """One turn of ``count`` assistant lines of ``text_bytes`` of text each."""
    rng = random.Random(count * 1_000_003 + text_bytes)
    lines = [_line(_state("running")), _line(_init())]
    lines += _assistant_lines((text_of(text_bytes, i) for i in range(count)), rng)
    lines += [_line(_result(1, "done")), _line(_state("idle"))]
    return lines


MIRROR_PREFIX = b'{"type":"transcript_mirror",'


def _transcript_entry(
    frame: dict[str, Any], parent: str | None, cwd: str, n: int
) -> dict[str, Any]:
    """The line the CLI persists to its transcript for a stream frame (``assistant``/``user``)."""
    entry: dict[str, Any] = {
        "parentUuid": parent,
        "isSidechain": False,
        "userType": "external",
        "cwd": cwd,
        "sessionId": SESSION_ID,
        "version": "2.1.331",
        "gitBranch": "main",
        "type": frame["type"],
        "message": frame["message"],
        "uuid": frame["uuid"],
        "timestamp": f"2026-01-01T00:{n // 60000 % 60:02d}:{n // 1000 % 60:02d}.{n % 1000:03d}Z",
    }
    if "request_id" in frame:
        entry["requestId"] = frame["request_id"]
    return entry


def render_mirrored_stream(
    count: int, text_bytes: int, config_dir: Path, cwd: str, project_key: str
) -> list[bytes]:
    """:func:`render_stream`, as the CLI writes it with ``--session-mirror``.

    Each transcript line it persists is also written on stdout, just before
    the message, as a ``transcript_mirror`` frame naming the transcript file
    (``<config_dir>/projects/<project_key>/<session id>.jsonl``): the user's
    prompt first, then one frame per assistant message, each entry chained to
    the previous one by ``parentUuid``. ``system``/``result`` lines are not
    transcript lines.
    """
    file_path = str(config_dir / "projects" / project_key / f"{SESSION_ID}.jsonl")
    plain = render_stream(count, text_bytes)

    def mirror(entry: dict[str, Any]) -> bytes:
        return _line({"type": "transcript_mirror", "filePath": file_path, "entries": [entry]})

    prompt: dict[str, Any] = {
        "type": "user",
        "message": {"role": "user", "content": "go"},
        "uuid": "3c9d2a1e-8f7b-4e6d-b5a4-2f1e0d9c8b7a",
    }
    parent: str = prompt["uuid"]
    out = [plain[0], plain[1], mirror(_transcript_entry(prompt, None, cwd, 0))]
    for n, line in enumerate(plain[2:-2], start=1):
        frame = json.loads(line)
        out.append(mirror(_transcript_entry(frame, parent, cwd, n)))
        out.append(line)  # the message itself, byte for byte as without a store
        parent = frame["uuid"]
    return out + plain[-2:]


def render_turn() -> list[bytes]:
    """One short conversational turn: a 200-byte answer."""
    return render_stream(1, 200)


@dataclass(frozen=True)
class Scenario:
    """A runnable fake CLI and what it will write per user message."""

    name: str
    cli: Path  # the executable ``claude`` to pass as ``cli_path``
    output: Path  # the pre-rendered bytes of one turn
    stamps: Path  # where the fake appends the time it started each turn
    messages: int  # user-visible messages in one turn (init, assistants, result)
    output_bytes: int
    largest_line: int
    mirrored: int = 0  # transcript entries in its ``transcript_mirror`` frames

    def clear_stamps(self) -> None:
        self.stamps.unlink(missing_ok=True)

    def first_stamp_ns(self) -> int:
        return int(self.stamps.read_text().split()[0])

    def to_json(self) -> str:
        return json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in vars(self).items()})

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        raw = json.loads(text)
        for key in ("cli", "output", "stamps"):
            raw[key] = Path(raw[key])
        return cls(**raw)


def make_scenario(directory: Path, name: str, lines: list[bytes]) -> Scenario:
    """Write ``lines`` and a ``claude`` wrapper that serves them into ``directory/name``."""
    where = directory / name
    where.mkdir(parents=True, exist_ok=True)
    output = where / "turn.jsonl"
    with output.open("wb") as f:
        f.writelines(lines)
    stamps = where / "stamps"
    cli = where / "claude"
    cli.write_text(
        "#!/bin/sh\n"
        f"BENCH_OUTPUT={shlex.quote(str(output))} BENCH_STAMPS={shlex.quote(str(stamps))} "
        f'exec {shlex.quote(sys.executable)} -I -S {shlex.quote(str(FAKE_CLI))} "$@"\n'
    )
    cli.chmod(cli.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    visible = sum(
        1
        for line in lines
        if b'"sdk_host_only":true' not in line and not line.startswith(MIRROR_PREFIX)
    )
    mirrored = sum(
        len(json.loads(line)["entries"]) for line in lines if line.startswith(MIRROR_PREFIX)
    )
    return Scenario(
        name=name,
        cli=cli,
        output=output,
        stamps=stamps,
        messages=visible,
        output_bytes=sum(map(len, lines)),
        largest_line=max(map(len, lines)),
        mirrored=mirrored,
    )
