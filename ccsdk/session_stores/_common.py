"""What every adapter shares: entry encoding, the write clock, and the blocking-call hop."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

import anyio.to_thread
import orjson

from ccsdk._store_types import MalformedEntryError, SessionKey, SessionStoreEntry

__all__ = [
    "WriteClock",
    "decode_entry",
    "decode_jsonl",
    "describe",
    "encode_entries",
    "in_thread",
    "log",
]

log = logging.getLogger("ccsdk")

T = TypeVar("T")


async def in_thread(fn: Callable[[], T]) -> T:
    """Run a blocking driver call in a worker thread; works on trio and asyncio alike.

    A cancelled caller waits for the call to end (it is never abandoned half
    way through a transaction); the result is then dropped.
    """
    return await anyio.to_thread.run_sync(fn)


def describe(key: SessionKey) -> str:
    """``project/session[/subpath]``, for messages."""
    parts = [key["project_key"], key["session_id"]]
    if "subpath" in key:
        parts.append(key["subpath"])
    return "/".join(parts)


def encode_entries(entries: list[dict[str, Any]]) -> list[bytes]:
    """Each entry as compact JSON; :class:`MalformedEntryError` if one is not JSON."""
    out: list[bytes] = []
    for i, entry in enumerate(entries):
        try:
            out.append(orjson.dumps(entry))
        except TypeError as exc:
            raise MalformedEntryError(f"entry {i} is not JSON: {exc}") from None
    return out


def decode_entry(raw: bytes | str | object, key: SessionKey, index: int) -> SessionStoreEntry:
    """A stored row back to an entry, or :class:`MalformedEntryError` naming where it is."""
    value: object = raw
    if isinstance(raw, bytes | str):
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise MalformedEntryError(
                f"{describe(key)}: stored entry {index} is not JSON"
            ) from None
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):  # pyright: ignore[reportUnknownMemberType]
        raise MalformedEntryError(
            f"{describe(key)}: stored entry {index} is not a JSON object with a string 'type'"
        )
    return cast(SessionStoreEntry, value)


def decode_jsonl(data: bytes, key: SessionKey, first_index: int) -> list[SessionStoreEntry]:
    """The entries of a JSONL blob.

    A last line without its newline that does not parse is a torn write
    (cut by a crash, or a copy in progress): it is dropped, with a warning.
    Any other line that is not an entry is a :class:`MalformedEntryError`.
    """
    lines = data.split(b"\n")
    torn = lines[-1] if lines and lines[-1].strip() else b""
    body = lines[:-1]
    out: list[SessionStoreEntry] = []
    for line in body:
        if line.strip():
            out.append(decode_entry(line, key, first_index + len(out)))
    if torn:
        try:
            out.append(decode_entry(torn, key, first_index + len(out)))
        except MalformedEntryError:
            log.warning(
                "session store: %s: dropped a torn last line (%d bytes, no newline)",
                describe(key),
                len(torn),
            )
    return out


class WriteClock:
    """Epoch milliseconds that never repeat or go back within this process.

    Two back-to-back writes get different ``mtime`` s even within one
    millisecond, so "newest first" is well defined for one writer.
    """

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def __call__(self) -> int:
        with self._lock:
            now = max(int(time.time() * 1000), self._last + 1)
            self._last = now
            return now
