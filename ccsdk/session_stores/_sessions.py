"""The session functions on a store: ``*_from_store``, ``*_via_store``, ``import_session_to_store``.

The counterparts of :mod:`ccsdk.stored_sessions`' functions for a
:class:`~ccsdk.SessionStore`, with ``claude_agent_sdk`` 0.2.190's names and
signatures; they read and write the store instead of the CLI's files, and
share the transcript rules (the conversation chain, titles, prompts, forks)
with the disk functions, so both give the same answers for the same
entries. Every one is a coroutine; the store's own methods do the I/O.

The session is found under ``project_key_for_directory(directory)``
(default: the working directory). As ccsdk's disk functions, and unlike the
official store functions (which answer ``[]`` or ``None``), a session id that
is not a UUID is a :class:`ValueError`, and ``limit`` / ``offset`` are checked.
"""

from __future__ import annotations

import os
import time
import uuid as uuid_module
from datetime import UTC, datetime
from typing import Any, cast

import anyio
import anyio.to_thread
import orjson

from ccsdk._errors import SessionNotFoundError
from ccsdk._store_summary import project_key_for_directory
from ccsdk._store_types import (
    SessionKey,
    SessionStore,
    SessionStoreEntry,
    SessionSummaryEntry,
    implements,
)
from ccsdk.stored_sessions import _files
from ccsdk.stored_sessions._transcript import (
    ForkSessionResult,
    JSONDict,
    SDKSessionInfo,
    SessionMessage,
    check_agent_id,
    check_directory,
    check_session_id,
    check_text,
    check_window,
    dump,
    file_entries,
    fork_lines,
    messages,
    sanitize_unicode,
    session_info,
    subagent_messages,
)

__all__ = [
    "delete_session_via_store",
    "fork_session_via_store",
    "get_session_info_from_store",
    "get_session_messages_from_store",
    "get_subagent_messages_from_store",
    "import_session_to_store",
    "list_sessions_from_store",
    "list_subagents_from_store",
    "rename_session_via_store",
    "tag_session_via_store",
]

#: How many ``load`` calls listing runs at once when it has to read transcripts.
_LIST_LOADS_AT_ONCE = 16
#: ``import_session_to_store``'s batches: at most this many entries ...
_IMPORT_BATCH = 500
#: ... and about this many bytes of JSON (as the official mirror's batches).
_IMPORT_BATCH_BYTES = 1 << 20


def _where(directory: object) -> tuple[str, str]:
    """``(project path, project key)`` of ``directory`` (default: the working directory)."""
    path = check_directory(directory) or "."
    return os.path.realpath(path), project_key_for_directory(path)


def _key(directory: object, session_id: str) -> SessionKey:
    return {"project_key": _where(directory)[1], "session_id": session_id}


def _page(items: list[Any], limit: int | None, offset: int) -> list[Any]:
    return items[offset : None if limit is None else offset + limit]


def _as_dicts(entries: list[SessionStoreEntry]) -> list[JSONDict]:
    return cast("list[JSONDict]", entries)


def _info(
    session_id: str, entries: list[JSONDict], project_path: str, mtime: int
) -> SDKSessionInfo | None:
    """Listing's view of a stored transcript: the disk rules, over all its entries."""
    size = sum(len(dump(e)) for e in entries)
    return session_info(session_id, project_path, entries, [], size, mtime, lambda: None)


def _info_from_summary(summary: SessionSummaryEntry, project_path: str) -> SDKSessionInfo | None:
    """Listing's view from a stored summary (``fold_session_summary``'s ``data``)."""
    data = summary["data"]
    if data.get("is_sidechain"):
        return None
    first = data.get("first_prompt") if data.get("first_prompt_locked") else None
    first = first or data.get("command_fallback") or None
    title = data.get("custom_title") or data.get("ai_title") or None
    text = title or data.get("last_prompt") or data.get("summary_hint") or first
    if not text:
        return None
    return SDKSessionInfo(
        session_id=summary["session_id"],
        summary=text,
        last_modified=summary["mtime"],
        file_size=None,
        custom_title=title,
        first_prompt=first,
        git_branch=data.get("git_branch") or None,
        cwd=data.get("cwd") or project_path or None,
        tag=data.get("tag") or None,
        created_at=data.get("created_at"),
    )


def _last_timestamp_ms(entries: list[JSONDict]) -> int:
    for entry in reversed(entries):
        stamp = entry.get("timestamp")
        if isinstance(stamp, str):
            try:
                return int(datetime.fromisoformat(stamp).timestamp() * 1000)
            except ValueError:
                break
    return int(time.time() * 1000)


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


async def _infos_by_loading(
    store: SessionStore, rows: list[tuple[str, int]], project_key: str, project_path: str
) -> dict[str, SDKSessionInfo | None]:
    """Each session's info from its whole transcript; a failed ``load`` gives an empty summary."""
    limiter = anyio.CapacityLimiter(_LIST_LOADS_AT_ONCE)
    out: dict[str, SDKSessionInfo | None] = {}

    async def one(session_id: str, mtime: int) -> None:
        async with limiter:
            try:
                loaded = await store.load({"project_key": project_key, "session_id": session_id})
            except Exception:
                out[session_id] = SDKSessionInfo(session_id, "", mtime)
                return
        out[session_id] = (
            _info(session_id, _as_dicts(loaded), project_path, mtime) if loaded else None
        )

    async with anyio.create_task_group() as tg:
        for session_id, mtime in rows:
            tg.start_soon(one, session_id, mtime)
    return out


async def list_sessions_from_store(
    session_store: SessionStore,
    directory: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[SDKSessionInfo]:
    """The store's sessions of ``directory``'s project, most recently written first.

    With ``list_session_summaries``, one call gives the summaries; sessions
    whose summary is missing or older than ``list_sessions`` says are read
    with ``load`` (only those on the page asked for). Without it,
    ``list_sessions`` and one ``load`` per session (16 at once). A store with
    neither is a :class:`ValueError`. Side chains and sessions with nothing
    to show are left out, as on disk.
    """
    check_window(limit, offset)
    project_path, project_key = _where(directory)
    has_list = implements(session_store, "list_sessions")
    if implements(session_store, "list_session_summaries"):
        summaries = await session_store.list_session_summaries(project_key)
        known = (
            {e["session_id"]: e["mtime"] for e in await session_store.list_sessions(project_key)}
            if has_list
            else None
        )
        slots: list[tuple[int, str, SDKSessionInfo | None]] = []
        fresh: set[str] = set()
        for summary in summaries:
            sid = summary["session_id"]
            if known is not None and (sid not in known or summary["mtime"] < known[sid]):
                continue  # gone, or stale: read it again below
            fresh.add(sid)
            info = _info_from_summary(summary, project_path)
            if info is not None:
                slots.append((summary["mtime"], sid, info))
        if known is not None:
            slots += [(m, sid, None) for sid, m in known.items() if sid not in fresh]
        slots.sort(key=lambda slot: slot[0], reverse=True)
        page = _page(slots, limit, offset)
        missing = [(sid, m) for m, sid, info in page if info is None]
        filled = await _infos_by_loading(session_store, missing, project_key, project_path)
        return [
            found
            for _, sid, info in page
            if (found := info if info is not None else filled.get(sid)) is not None
        ]
    if not has_list:
        raise ValueError(
            "session_store has neither list_session_summaries() nor list_sessions(): "
            "it cannot list sessions"
        )
    rows = [(e["session_id"], e["mtime"]) for e in await session_store.list_sessions(project_key)]
    infos = await _infos_by_loading(session_store, rows, project_key, project_path)
    found = [info for sid, _ in rows if (info := infos.get(sid)) is not None]
    found.sort(key=lambda info: info.last_modified, reverse=True)
    return _page(found, limit, offset)


async def get_session_info_from_store(
    session_store: SessionStore,
    session_id: str,
    directory: str | None = None,
) -> SDKSessionInfo | None:
    """One session's listing entry, read from the store; ``None`` if it is not there.

    ``last_modified`` is the last entry's timestamp (the store's write time
    is not known from ``load``). ``None`` also for a side chain or a
    transcript with nothing to show.
    """
    check_session_id(session_id)
    project_path, project_key = _where(directory)
    loaded = await session_store.load({"project_key": project_key, "session_id": session_id})
    if not loaded:
        return None
    entries = _as_dicts(loaded)
    return _info(session_id, entries, project_path, _last_timestamp_ms(entries))


async def get_session_messages_from_store(
    session_store: SessionStore,
    session_id: str,
    directory: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[SessionMessage]:
    """The session's conversation, as :func:`~ccsdk.get_session_messages` reads it from disk.

    ``[]`` if the store does not have the session.
    """
    check_session_id(session_id)
    check_window(limit, offset)
    loaded = await session_store.load(_key(directory, session_id))
    if not loaded:
        return []
    return _page(messages(_as_dicts(loaded)), limit, offset)


async def list_subagents_from_store(
    session_store: SessionStore,
    session_id: str,
    directory: str | None = None,
) -> list[str]:
    """The ids of the session's subagents: its ``subagents/.../agent-<id>`` subpaths.

    Needs ``list_subkeys``: a store without it is a :class:`ValueError`.
    """
    check_session_id(session_id)
    if not implements(session_store, "list_subkeys"):
        raise ValueError(
            "session_store has no list_subkeys(): it cannot list a session's subagents"
        )
    ids: list[str] = []
    for subpath in await session_store.list_subkeys(
        {"project_key": _where(directory)[1], "session_id": session_id}
    ):
        last = subpath.rsplit("/", 1)[-1]
        if subpath.startswith("subagents/") and last.startswith("agent-"):
            agent_id = last.removeprefix("agent-")
            if agent_id not in ids:
                ids.append(agent_id)
    return ids


async def get_subagent_messages_from_store(
    session_store: SessionStore,
    session_id: str,
    agent_id: str,
    directory: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[SessionMessage]:
    """A subagent's messages, as :func:`~ccsdk.get_subagent_messages` reads them from disk.

    The subpath is found with ``list_subkeys`` (subagents may be nested,
    ``subagents/workflows/<run>/agent-<id>``), else taken to be
    ``subagents/agent-<id>``. The parent ids come from the stream's
    ``agent_metadata`` entry (the store's copy of the ``.meta.json``; the
    last one wins). ``[]`` if there is no such subagent.
    """
    check_session_id(session_id)
    check_agent_id(agent_id)
    check_window(limit, offset)
    project_key = _where(directory)[1]
    subpath: str | None = f"subagents/agent-{agent_id}"
    if implements(session_store, "list_subkeys"):
        subkeys = await session_store.list_subkeys(
            {"project_key": project_key, "session_id": session_id}
        )
        subpath = next(
            (
                s
                for s in subkeys
                if s.startswith("subagents/") and s.rsplit("/", 1)[-1] == f"agent-{agent_id}"
            ),
            None,
        )
    if subpath is None:
        return []
    loaded = await session_store.load(
        {"project_key": project_key, "session_id": session_id, "subpath": subpath}
    )
    if not loaded:
        return []
    meta: JSONDict = {}
    transcript: list[JSONDict] = []
    for entry in _as_dicts(loaded):
        if entry.get("type") == "agent_metadata":
            meta = entry
        else:
            transcript.append(entry)
    tool_use_id, parent_agent_id = meta.get("toolUseId"), meta.get("parentAgentId")
    found = subagent_messages(
        transcript,
        tool_use_id if isinstance(tool_use_id, str) else None,
        parent_agent_id if isinstance(parent_agent_id, str) else None,
    )
    return _page(found, limit, offset)


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def _append_one(
    store: SessionStore, directory: object, session_id: str, entry: JSONDict
) -> None:
    entry.update(sessionId=session_id, uuid=str(uuid_module.uuid4()), timestamp=_now_iso())
    await store.append(_key(directory, session_id), [cast(SessionStoreEntry, entry)])


async def rename_session_via_store(
    session_store: SessionStore,
    session_id: str,
    title: str,
    directory: str | None = None,
) -> None:
    """Set the session's title: a ``custom-title`` entry appended to the store.

    Surrounding whitespace is stripped; an empty title is a :class:`ValueError`.
    """
    check_session_id(session_id)
    stripped = check_text(title, "title")
    await _append_one(
        session_store, directory, session_id, {"type": "custom-title", "customTitle": stripped}
    )


async def tag_session_via_store(
    session_store: SessionStore,
    session_id: str,
    tag: str | None,
    directory: str | None = None,
) -> None:
    """Set the session's tag (a ``tag`` entry appended to the store); ``None`` clears it.

    The tag loses invisible characters and is NFKC-normalised, as on disk.
    """
    check_session_id(session_id)
    value = "" if tag is None else check_text(sanitize_unicode(check_text(tag, "tag")), "tag")
    await _append_one(session_store, directory, session_id, {"type": "tag", "tag": value})


async def delete_session_via_store(
    session_store: SessionStore,
    session_id: str,
    directory: str | None = None,
) -> None:
    """Delete the session from the store, with its subagents if the store cascades (ccsdk's do).

    A store without ``delete`` (append-only storage) is left as it is.
    """
    check_session_id(session_id)
    if implements(session_store, "delete"):
        await session_store.delete(_key(directory, session_id))


async def fork_session_via_store(
    session_store: SessionStore,
    session_id: str,
    directory: str | None = None,
    up_to_message_id: str | None = None,
    title: str | None = None,
) -> ForkSessionResult:
    """A copy of a stored session's conversation as a new stored session, like ``fork_session``.

    The entries pass through this process (new uuids, the new session id, a
    ``forkedFrom`` note on each), so no storage-level copy would do. An
    unknown session is a :class:`~ccsdk.SessionNotFoundError` (a
    :class:`FileNotFoundError`); an ``up_to_message_id`` that is not one of
    its messages, or a session with no conversation, a :class:`ValueError`.
    """
    check_session_id(session_id)
    if up_to_message_id is not None:
        check_session_id(up_to_message_id, "up_to_message_id")
    if title is not None:
        title = check_text(title, "title")
    project_key = _where(directory)[1]
    loaded = await session_store.load({"project_key": project_key, "session_id": session_id})
    if not loaded:
        raise SessionNotFoundError(session_id, check_directory(directory))
    new_id, content, _ = fork_lines(_as_dicts(loaded), session_id, up_to_message_id, title)
    forked = [orjson.loads(line) for line in content.splitlines() if line]
    await session_store.append({"project_key": project_key, "session_id": new_id}, forked)
    return ForkSessionResult(new_id)


# --------------------------------------------------------------------------
# Importing a session from disk
# --------------------------------------------------------------------------


def _read_session_files(
    session_id: str, directory: str | None, include_subagents: bool
) -> tuple[str, list[tuple[str | None, list[JSONDict]]]]:
    """``(project key, [(subpath or None, entries)])`` of a session on disk; blocking."""
    path = _files.must_find_session(session_id, directory)[0]
    project_key = os.path.basename(os.path.dirname(path))
    streams: list[tuple[str | None, list[JSONDict]]] = [
        (None, file_entries(_read_file(path), path))
    ]
    if not include_subagents:
        return project_key, streams
    session_dir = path.removesuffix(".jsonl")
    for root, dirs, names in os.walk(os.path.join(session_dir, "subagents")):
        dirs.sort()
        for name in sorted(names):
            if not name.endswith(".jsonl"):
                continue
            file = os.path.join(root, name)
            subpath = os.path.relpath(file, session_dir).removesuffix(".jsonl")
            entries = file_entries(_read_file(file), file)
            meta = _read_meta(file.removesuffix(".jsonl") + ".meta.json")
            if meta is not None:
                entries.append({**meta, "type": "agent_metadata"})
            streams.append((subpath.replace(os.sep, "/"), entries))
    return project_key, streams


def _read_file(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _read_meta(path: str) -> JSONDict | None:
    try:
        document = orjson.loads(_read_file(path))
    except (FileNotFoundError, orjson.JSONDecodeError):
        return None
    return cast(JSONDict, document) if isinstance(document, dict) else None


async def import_session_to_store(
    session_id: str,
    store: SessionStore,
    *,
    directory: str | None = None,
    include_subagents: bool = True,
    batch_size: int = _IMPORT_BATCH,
) -> None:
    """Copy a session the CLI keeps on disk into ``store``.

    For moving local sessions to a store, or filling a gap after a
    ``mirror_error``. The key is the project directory the transcript is in
    (found as :func:`~ccsdk.get_session_messages` finds it: in
    ``directory``'s project, or in any), the same key the CLI's mirror uses,
    so the imported session resumes like a mirrored one. Entries go in
    batches of ``batch_size`` (or about 1 MiB); subagents' transcripts (and
    their ``.meta.json``, as an ``agent_metadata`` entry) follow when
    ``include_subagents``. A last line without its newline that does not
    parse (a write in progress) is left out; other bad lines are skipped
    with a warning, as on disk. Importing again adds nothing to a store that
    drops repeated ``uuid`` s (ccsdk's SQL and Redis stores).

    An unknown session is a :class:`~ccsdk.SessionNotFoundError`.
    """
    check_session_id(session_id)
    where = check_directory(directory)
    size = batch_size if batch_size > 0 else _IMPORT_BATCH
    project_key, streams = await anyio.to_thread.run_sync(
        _read_session_files, session_id, where, include_subagents
    )
    for subpath, entries in streams:
        key: SessionKey = {"project_key": project_key, "session_id": session_id}
        if subpath is not None:
            key["subpath"] = subpath
        batch: list[SessionStoreEntry] = []
        weight = 0
        for entry in entries:
            batch.append(cast(SessionStoreEntry, entry))
            weight += len(dump(entry))
            if len(batch) >= size or weight >= _IMPORT_BATCH_BYTES:
                await store.append(key, batch)
                batch, weight = [], 0
        if batch:
            await store.append(key, batch)
