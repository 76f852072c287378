"""Session stores at run time: mirroring a live session, and resuming from a store.

**Mirroring.** With ``options.session_store`` set, the CLI runs with
``--session-mirror`` and writes each transcript line it persists as a
``transcript_mirror`` frame on stdout (``{"type": "transcript_mirror",
"filePath": ..., "entries": [...]}``). The engine peels those frames off in
its router (they never reach the consumer) and hands them to a
:class:`TranscriptMirror`, which:

* buffers them without awaiting anything (the read loop never waits on a store);
* writes them with ``store.append`` from a writer task in the engine's host
  group (a session's nursery, or the engine's background group), one append
  per transcript file per batch, in the order read;
* writes at each result, and before one when the buffer passes 500 entries
  or 1 MiB; ``session_store_flush="eager"`` writes after every frame;
* coalesces: while an append is in flight, new frames gather into the next
  batch, so a slow store holds back only its own writes. The buffer is
  bounded (:data:`HARD_MAX_ENTRIES` / :data:`HARD_MAX_BYTES`): past that, the
  oldest frames are dropped and reported;
* retries a failed append (3 attempts, 0.2 s then 0.8 s apart), never after a
  timeout (``SEND_TIMEOUT`` per attempt: the timed-out call may still land);
  a batch that still fails is logged and reported as a ``system/mirror_error``
  message in the stream, and the conversation goes on;
* at close, writes what is pending (shielded, within ``close_timeout``) and
  logs what it could not write.

**Resume.** With ``resume`` or ``continue_conversation`` and a store,
:func:`materialize` loads the transcript (and the subagent transcripts under
it) into a temporary directory laid out like the CLI's config directory
(``projects/<project key>/<session id>.jsonl``), which the engine then points
``CLAUDE_CONFIG_DIR`` at; it is removed when the engine closes.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TypeGuard, cast

import anyio
import anyio.abc
import orjson

from ccsdk._store_summary import project_key_for_directory
from ccsdk._store_types import SessionKey, SessionStore, implements

__all__ = [
    "HARD_MAX_BYTES",
    "HARD_MAX_ENTRIES",
    "MAX_PENDING_BYTES",
    "MAX_PENDING_ENTRIES",
    "Materialized",
    "TranscriptMirror",
    "effective_config_dir",
    "key_for_path",
    "materialize",
]

log = logging.getLogger("ccsdk")

#: A batch is written before the result once it holds this many entries ...
MAX_PENDING_ENTRIES = 500
#: ... or this many bytes (about: the JSON of the entries).
MAX_PENDING_BYTES = 1 << 20
#: The buffer's bound while the store is slow: past it, the oldest frames are dropped.
HARD_MAX_ENTRIES = 20 * MAX_PENDING_ENTRIES
HARD_MAX_BYTES = 16 * MAX_PENDING_BYTES
#: The bound on one ``append`` call, in seconds.
SEND_TIMEOUT = 60.0
#: The pauses between the attempts of one append (3 attempts in all).
RETRY_DELAYS = (0.2, 0.8)

_UUID_LEN = 36


def _is_uuid(value: str) -> bool:
    try:
        return len(value) == _UUID_LEN and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def effective_config_dir(env: Mapping[str, str]) -> str:
    """The CLI's config directory for a CLI started with ``env`` over ours."""
    configured = env.get("CLAUDE_CONFIG_DIR") or os.environ.get("CLAUDE_CONFIG_DIR")
    if configured:
        return configured
    home = env.get("HOME") or os.path.expanduser("~")
    return os.path.join(home, ".claude")


def key_for_path(file_path: str, projects_dir: str) -> SessionKey | None:
    """The store key of a transcript file under ``projects_dir``, or ``None``.

    ``<projects>/<project>/<session>.jsonl`` is a session's transcript;
    ``<projects>/<project>/<session>/<subpath>.jsonl`` a file under it (a
    subagent's transcript, ``subpath`` without ``.jsonl``). A path outside
    ``projects_dir`` is placed by its last ``projects`` component, so that a
    CLI whose config directory we guessed wrong still lands its frames.
    """
    parts: list[str]
    try:
        rel = os.path.relpath(file_path, projects_dir)
    except ValueError:
        rel = ".."
    if rel.startswith(".."):
        whole = PurePosixPath(file_path.replace("\\", "/")).parts
        if "projects" not in whole:
            return None
        last = len(whole) - 1 - list(reversed(whole)).index("projects")
        parts = list(whole[last + 1 :])
    else:
        parts = list(PurePosixPath(rel.replace("\\", "/")).parts)
    if len(parts) < 2 or not parts[-1].endswith(".jsonl"):
        return None
    project_key = parts[0]
    if len(parts) == 2:
        return {"project_key": project_key, "session_id": parts[1][: -len(".jsonl")]}
    subpath = "/".join([*parts[2:-1], parts[-1][: -len(".jsonl")]])
    return {"project_key": project_key, "session_id": parts[1], "subpath": subpath}


# ---------------------------------------------------------------------------
# Mirroring
# ---------------------------------------------------------------------------


@dataclass
class _Frame:
    file_path: str
    entries: list[dict[str, Any]]
    size: int


@dataclass
class TranscriptMirror:
    """Buffers ``transcript_mirror`` frames and appends them to a store (module docstring).

    ``host()`` gives the task group the writer task runs in (``None``: none
    at hand; the frames wait for the next chance, at the latest :meth:`close`).
    ``report(key, error)`` puts a ``mirror_error`` message in the stream.
    """

    store: SessionStore
    projects_dir: str
    host: Callable[[], anyio.abc.TaskGroup | None]
    report: Callable[[SessionKey | None, str], None]
    eager: bool = False
    send_timeout: float = SEND_TIMEOUT
    max_entries: int = MAX_PENDING_ENTRIES
    max_bytes: int = MAX_PENDING_BYTES
    hard_max_entries: int = HARD_MAX_ENTRIES
    hard_max_bytes: int = HARD_MAX_BYTES
    retry_delays: tuple[float, ...] = RETRY_DELAYS

    _pending: list[_Frame] = field(default_factory=lambda: list[_Frame]())
    _entries: int = 0
    _bytes: int = 0
    _flush_wanted: bool = False
    _writing: bool = False
    _idle: anyio.Event | None = None
    _scope: anyio.CancelScope | None = None
    _closed: bool = False
    _in_flight: int = 0
    _drop_reported: bool = False
    #: Entries the store acknowledged, and entries given up on (dropped or failed).
    written: int = 0
    lost: int = 0

    @property
    def pending_entries(self) -> int:
        return self._entries

    def enqueue(self, file_path: object, entries: object) -> None:
        """Take one frame (from the router: never awaits)."""
        if not isinstance(file_path, str) or not isinstance(entries, list):
            log.warning("a transcript_mirror frame without filePath/entries was dropped")
            return
        batch = [
            cast("dict[str, Any]", e) for e in cast("list[object]", entries) if isinstance(e, dict)
        ]
        if not batch:
            return
        size = _encoded_size(batch)
        self._pending.append(_Frame(file_path, batch, size))
        self._entries += len(batch)
        self._bytes += size
        self._bound()
        if self.eager or self._entries >= self.max_entries or self._bytes >= self.max_bytes:
            self.flush_soon()

    def _bound(self) -> None:
        """Drop the oldest frames while the buffer is past its hard bound."""
        dropped: dict[str, int] = {}  # per file, in first-dropped order
        while len(self._pending) > 1 and (
            self._entries > self.hard_max_entries or self._bytes > self.hard_max_bytes
        ):
            frame = self._pending.pop(0)
            self._entries -= len(frame.entries)
            self._bytes -= frame.size
            dropped[frame.file_path] = dropped.get(frame.file_path, 0) + len(frame.entries)
        for path, count in dropped.items():
            self.lost += count
            if self._drop_reported:
                continue  # once until the store takes a batch again; close() logs the total
            self._drop_reported = True
            message = (
                f"the session store is too slow: {count} transcript entries dropped "
                f"(the buffer holds at most {self.hard_max_entries} entries / "
                f"{self.hard_max_bytes} bytes)"
            )
            log.error("%s: %s", path, message)
            self.report(key_for_path(path, self.projects_dir), message)

    def flush_soon(self) -> None:
        """Write what is pending as soon as the writer is free (at a result: never awaits)."""
        if self._closed or not self._pending:
            return
        self._flush_wanted = True
        if self._writing:
            return  # the writer takes it next
        tg = self.host()
        if tg is None:
            return  # written at the next chance, or at close()
        self._writing = True
        self._idle = anyio.Event()
        tg.start_soon(self._writer, name="ccsdk session-store writer")

    async def _writer(self) -> None:
        try:
            with anyio.CancelScope() as scope:
                self._scope = scope
                while self._flush_wanted and self._pending:
                    self._flush_wanted = False
                    await self._write(self._take())
        finally:
            self._scope = None
            self._writing = False
            if self._idle is not None:
                self._idle.set()

    def _take(self) -> list[_Frame]:
        frames, self._pending = self._pending, []
        self._entries = self._bytes = 0
        return frames

    async def _write(self, frames: list[_Frame]) -> None:
        """One append per file, in first-seen order; failures reported, never raised."""
        by_path: dict[str, list[dict[str, Any]]] = {}
        for frame in frames:
            by_path.setdefault(frame.file_path, []).extend(frame.entries)
        for path, entries in by_path.items():
            key = key_for_path(path, self.projects_dir)
            if key is None:
                self.lost += len(entries)
                log.warning(
                    "transcript_mirror: %s is not a transcript under %s; %d entries not mirrored",
                    path,
                    self.projects_dir,
                    len(entries),
                )
                continue
            self._in_flight = len(entries)
            try:
                error = await self._append(key, entries)
            finally:
                self._in_flight = 0
            if error is None:
                self.written += len(entries)
                self._drop_reported = False
                continue
            self.lost += len(entries)
            log.error("session store: %d entries for %s not written: %s", len(entries), key, error)
            self.report(key, error)

    async def _append(self, key: SessionKey, entries: list[dict[str, Any]]) -> str | None:
        """``None`` once the store took the batch, else the last error's text."""
        error = "append failed"
        for attempt in range(len(self.retry_delays) + 1):
            if attempt:
                await anyio.sleep(self.retry_delays[attempt - 1])
            try:
                with anyio.fail_after(self.send_timeout):
                    await self.store.append(key, cast("Any", entries))
            except TimeoutError:
                # Not retried: the timed-out call may still land.
                return f"SessionStore.append() timed out after {self.send_timeout:g}s"
            except Exception as exc:  # the store is the user's code
                error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                log.debug("session store append attempt %d failed: %s", attempt + 1, error)
            else:
                return None
        return error

    async def close(self, timeout: float) -> None:  # noqa: ASYNC109
        """Write what is pending (shielded, within ``timeout``); log what could not be."""
        if self._closed:
            return
        self._closed = True
        with anyio.CancelScope(shield=True), anyio.move_on_after(timeout) as bound:
            if self._idle is not None:
                await self._idle.wait()
            if self._pending:
                await self._write(self._take())
        if bound.cancelled_caught:
            if self._scope is not None:
                self._scope.cancel()
            left = self._entries + self._in_flight
            log.error(
                "session store: closing, the last writes did not finish within %gs; "
                "%d transcript entries (buffered or in flight) not mirrored",
                timeout,
                left,
            )
            self.lost += left
        elif self.lost:
            log.error(
                "session store: %d transcript entries of this session were not mirrored",
                self.lost,
            )


# ---------------------------------------------------------------------------
# Resume
# ---------------------------------------------------------------------------


@dataclass
class Materialized:
    """A transcript loaded from a store into a temporary config directory."""

    config_dir: str
    session_id: str

    async def remove(self) -> None:
        await anyio.to_thread.run_sync(
            lambda: shutil.rmtree(self.config_dir, ignore_errors=True), abandon_on_cancel=False
        )


async def _bounded(what: str, timeout: float, call: Any) -> Any:  # noqa: ASYNC109
    try:
        with anyio.fail_after(timeout):
            return await call
    except TimeoutError:
        raise RuntimeError(
            f"{what} timed out after {timeout * 1000:g} ms while resuming from the session store"
        ) from None


async def materialize(
    store: SessionStore,
    *,
    cwd: str | os.PathLike[str] | None,
    resume: str | None,
    continue_conversation: bool,
    env: Mapping[str, str],
    load_timeout_ms: int,
) -> Materialized | None:
    """Load the session to resume from ``store`` into a temporary config directory.

    ``None`` when there is nothing to load (no such session in the store, an
    empty store on continue, a ``resume`` that is not a UUID): the CLI then
    starts as it would without a store. Raises ``RuntimeError`` when a store
    read fails or passes ``load_timeout_ms``.
    """
    timeout = load_timeout_ms / 1000
    project_key = project_key_for_directory(None if cwd is None else os.fspath(cwd))
    found: tuple[str, list[Any]] | None = None
    if resume is not None:
        if not _is_uuid(resume):
            return None
        entries = await _load(store, project_key, resume, None, timeout)
        found = (resume, entries) if entries else None
    elif continue_conversation:
        listing = await _bounded(
            "SessionStore.list_sessions()", timeout, store.list_sessions(project_key)
        )
        for item in sorted(listing or [], key=lambda i: i["mtime"], reverse=True):
            sid = item["session_id"]
            if not _is_uuid(sid):
                continue
            entries = await _load(store, project_key, sid, None, timeout)
            if not entries:
                continue
            if _is_sidechain(entries[0]):
                continue  # a subagent's transcript, not a conversation
            found = (sid, entries)
            break
    if found is None:
        return None
    session_id, entries = found
    base = await anyio.to_thread.run_sync(lambda: tempfile.mkdtemp(prefix="ccsdk-resume-"))
    done = Materialized(base, session_id)
    try:
        project_dir = Path(base, "projects", project_key)
        await anyio.to_thread.run_sync(_write_jsonl, project_dir / f"{session_id}.jsonl", entries)
        await anyio.to_thread.run_sync(_copy_config, base, env)
        if implements(store, "list_subkeys"):
            session_key: Any = {"project_key": project_key, "session_id": session_id}
            subkeys = await _bounded(
                "SessionStore.list_subkeys()", timeout, store.list_subkeys(session_key)
            )
            session_dir = project_dir / session_id
            for subpath in cast("list[object]", subkeys or []):
                if not _safe_subpath(subpath):
                    log.warning("session store: unsafe subpath %r skipped", subpath)
                    continue
                sub = await _load(store, project_key, session_id, subpath, timeout)
                if not sub:
                    continue
                meta, lines = _split_metadata(sub)
                target = session_dir / f"{subpath}.jsonl"
                if lines:
                    await anyio.to_thread.run_sync(_write_jsonl, target, lines)
                if meta is not None:
                    sidecar = target.with_name(f"{subpath.rsplit('/', 1)[-1]}.meta.json")
                    await anyio.to_thread.run_sync(_write_text, sidecar, json.dumps(meta))
    except BaseException:
        with anyio.CancelScope(shield=True):
            await done.remove()
        raise
    return done


async def _load(
    store: SessionStore,
    project_key: str,
    session_id: str,
    subpath: str | None,
    timeout: float,  # noqa: ASYNC109
) -> list[Any]:
    key: Any = {"project_key": project_key, "session_id": session_id}
    if subpath is not None:
        key["subpath"] = subpath
    what = f"SessionStore.load() of {session_id}" + (f"/{subpath}" if subpath else "")
    entries = await _bounded(what, timeout, store.load(key))
    return list(entries or [])


def _is_sidechain(entry: object) -> bool:
    return isinstance(entry, dict) and cast("dict[str, Any]", entry).get("isSidechain") is True


def _split_metadata(entries: list[Any]) -> tuple[dict[str, Any] | None, list[Any]]:
    """A subagent's ``agent_metadata`` (the last one, for its ``.meta.json``) and its lines."""
    meta: dict[str, Any] | None = None
    lines: list[Any] = []
    for entry in entries:
        if (
            isinstance(entry, dict)
            and cast("dict[str, Any]", entry).get("type") == "agent_metadata"
        ):
            meta = {k: v for k, v in cast("dict[str, Any]", entry).items() if k != "type"}
        else:
            lines.append(entry)
    return meta, lines


def _safe_subpath(subpath: object) -> TypeGuard[str]:
    if not isinstance(subpath, str) or not subpath or "\x00" in subpath:
        return False
    if subpath.startswith(("/", "\\")) or (len(subpath) > 1 and subpath[1] == ":"):
        return False
    return all(part not in ("", ".", "..") for part in subpath.replace("\\", "/").split("/"))


def _write_jsonl(path: Path, entries: list[Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = "".join(json.dumps(e, separators=(",", ":"), ensure_ascii=False) + "\n" for e in entries)
    _write_text(path, text)


def _encoded_size(batch: list[dict[str, Any]]) -> int:
    """About how many bytes ``batch`` takes as JSON, for the flush and buffer bounds.

    Measured in the read loop, once a frame: orjson does it in a fraction of
    the time ``json.dumps`` takes (the benchmark's ``mirror`` row); what it
    cannot encode (an integer past 64 bits) is measured by ``json``.
    """
    try:
        return len(orjson.dumps(batch, default=str))
    except TypeError:  # orjson.JSONEncodeError
        return len(json.dumps(batch, separators=(",", ":"), default=str))


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def _copy_config(base: str, env: Mapping[str, str]) -> None:
    """Give the temporary config directory the caller's credentials and user settings.

    From the config directory the CLI would have used: ``.credentials.json``
    (without its refresh token, so that this CLI cannot rotate the caller's
    login), ``settings.json``, and ``.claude.json`` (beside the config
    directory when it is the default ``~/.claude``).
    """
    source = effective_config_dir(env)
    configured = env.get("CLAUDE_CONFIG_DIR") or os.environ.get("CLAUDE_CONFIG_DIR")
    home = env.get("HOME") or os.path.expanduser("~")
    state = (
        os.path.join(source, ".claude.json") if configured else os.path.join(home, ".claude.json")
    )
    for src, name in (
        (state, ".claude.json"),
        (os.path.join(source, "settings.json"), "settings.json"),
    ):
        try:
            with open(src, encoding="utf-8") as f:
                _write_text(Path(base, name), f.read())
        except OSError:
            pass
    try:
        with open(os.path.join(source, ".credentials.json"), encoding="utf-8") as f:
            creds = json.load(f)
    except (OSError, ValueError):
        return
    if isinstance(creds, dict):
        oauth = cast("dict[str, Any]", creds).get("claudeAiOauth")
        if isinstance(oauth, dict):
            cast("dict[str, Any]", oauth).pop("refreshToken", None)
        _write_text(Path(base, ".credentials.json"), json.dumps(creds))
