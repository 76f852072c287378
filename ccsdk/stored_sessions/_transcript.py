"""What the lines of a CLI transcript mean: pure functions, no I/O.

A transcript is the JSONL file the CLI appends to as a session runs
(:mod:`ccsdk.stored_sessions._files` finds and reads it). As the CLI 2.1.331 writes
them (checked against the real binary):

* Conversation entries (``user``, ``assistant``, ``attachment``,
  ``system``, ``progress``) carry ``uuid`` and ``parentUuid``; the
  conversation is the chain from the newest entry back to the root, so a
  branch left behind by a rewind stays in the file but not in the chain.
* The CLI writes each content block of a model response as its own
  ``assistant`` entry (same ``message.id``), chained one after another, and
  hangs each tool result off the block that asked for it. With parallel
  tool calls the chain from the leaf therefore passes through one block's
  result only: :func:`conversation` puts the sibling blocks and their
  results back.
* Metadata entries have no ``uuid``: ``custom-title`` (``customTitle``),
  ``ai-title`` (``aiTitle``), ``tag`` (``""`` clears it), ``last-prompt``,
  ``summary``, ``content-replacement`` and more. The last one of each kind
  wins. The CLI reads titles and tags from the end of the file (it often
  writes them again there), and a rename also writes the title to
  ``<session id>/custom-title.json`` beside the file, where the CLI looks
  when the end of the file has none: listing reads only a head and a tail
  window, and that file.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
import uuid as uuid_module
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal, cast

import orjson

from ccsdk._store_summary import COMMAND_NAME, NOT_A_PROMPT
from ccsdk._store_summary import MAX_PROJECT_NAME as MAX_PROJECT_NAME  # re-exported
from ccsdk._store_summary import project_dir_name as project_dir_name  # re-exported
from ccsdk.runtime._json_lines import loads

log = logging.getLogger("ccsdk")

JSONDict = dict[str, Any]

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_CHAIN_TYPES: Final = frozenset({"user", "assistant", "attachment", "system", "progress"})
#: Entry types a fork copies: the conversation without the UI-only progress rows.
_FORK_TYPES: Final = frozenset({"user", "assistant", "attachment", "system"})
#: Keys tying an entry to its source session's teams, agents or compaction links.
_FORK_DROPPED_KEYS: Final = ("teamName", "agentName", "slug", "logicalParentUuid")


@dataclass
class SDKSessionInfo:
    """What listing tells about one stored session, from its first and last 64 KiB.

    The official SDK's class, field for field. ``summary`` is the best one
    line to show: ``custom_title`` (the user's title from
    :func:`~ccsdk.rename_session` or the CLI's ``/rename``, else the title the
    CLI generated), else the latest prompt, else an old-style ``summary``
    entry, else ``first_prompt``. ``last_modified`` is the file's
    modification time and ``created_at`` the first timestamp in the file,
    both in milliseconds since the epoch. ``file_size`` is in bytes. There is
    no message count: counting means reading the whole file, which listing
    never does.
    """

    session_id: str
    summary: str
    last_modified: int
    file_size: int | None = None
    custom_title: str | None = None
    first_prompt: str | None = None
    git_branch: str | None = None
    cwd: str | None = None
    tag: str | None = None
    created_at: int | None = None


@dataclass
class SessionMessage:
    """One user or assistant message of a stored conversation, as the official SDK has it.

    ``message`` is the transcript entry's raw API message: a dict with
    ``role`` and ``content`` (and, for the assistant, ``id``, ``model``,
    ``usage``...). ``uuid`` is the transcript entry's id: pass it as
    ``fork_session(up_to_message_id=...)``. For a subagent's messages
    (:func:`~ccsdk.get_subagent_messages`), ``parent_tool_use_id`` is the id
    of the ``Agent`` tool call that started the subagent and
    ``parent_agent_id`` the subagent that started it, if one did; both are
    ``None`` for a session's own messages.
    """

    type: Literal["user", "assistant"]
    uuid: str
    session_id: str
    message: Any
    parent_tool_use_id: str | None = None
    parent_agent_id: str | None = None


@dataclass
class ForkSessionResult:
    """What :func:`~ccsdk.fork_session` returns: the new session's id."""

    session_id: str
    """UUID of the new forked session."""


# --------------------------------------------------------------------------
# Validation (runs before any I/O)
# --------------------------------------------------------------------------


def check_session_id(value: object, name: str = "session_id") -> str:
    """The id if it is a UUID: a session id becomes a file name, so nothing else passes."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if UUID.fullmatch(value) is None:
        raise ValueError(f"{name} must be a UUID like the CLI's session ids, got {value!r}")
    return value


def check_text(value: object, name: str) -> str:
    """A title or tag: a string with something left after stripping whitespace."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    stripped = value.strip()
    if not stripped:
        raise ValueError(f"{name} must not be empty or only whitespace")
    return stripped


def check_agent_id(value: object) -> str:
    """A subagent id (``list_subagents`` gives them): a non-empty string."""
    if not isinstance(value, str):
        raise TypeError(f"agent_id must be a str, got {type(value).__name__}")
    if not value:
        raise ValueError("agent_id must not be empty")
    return value


def check_directory(value: object) -> str | None:
    """``directory`` as a path string; ``None`` or ``""`` (as in the official SDK) for none."""
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    if not isinstance(value, os.PathLike):
        raise TypeError(f"directory must be a str or an os.PathLike, got {type(value).__name__}")
    path = os.fspath(cast("os.PathLike[str] | os.PathLike[bytes]", value))
    if not isinstance(path, str):
        raise TypeError("directory must be a str path, not bytes")
    return path or None


#: Characters a tag loses, as the official SDK strips them: zero-width and
#: directional marks, byte order marks, private use (and, below, every
#: format, private-use or unassigned character).
_UNICODE_STRIP = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ue000-\uf8ff]")
_STRIPPED_CATEGORIES: Final = frozenset({"Cf", "Co", "Cn"})


def sanitize_unicode(value: str) -> str:
    """NFKC, then drop format, private-use and unassigned characters, until nothing changes."""
    current = value
    for _ in range(10):
        previous = current
        current = unicodedata.normalize("NFKC", current)
        current = "".join(c for c in current if unicodedata.category(c) not in _STRIPPED_CATEGORIES)
        current = _UNICODE_STRIP.sub("", current)
        if current == previous:
            break
    return current


def check_window(limit: object, offset: object) -> None:
    """``limit`` is None or an int >= 0; ``offset`` an int >= 0."""
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
        raise ValueError(f"limit must be None or an int >= 0, got {limit!r}")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise ValueError(f"offset must be an int >= 0, got {offset!r}")


# --------------------------------------------------------------------------
# Project directory names
# --------------------------------------------------------------------------


# project_dir_name (the CLI's directory naming) lives in ccsdk._store_summary, shared
# with the session stores' project_key_for_directory.


# --------------------------------------------------------------------------
# Lines
# --------------------------------------------------------------------------


def window_entries(data: bytes) -> Iterator[JSONDict]:
    """The objects among the lines of a head or tail window; the rest is dropped quietly."""
    for line in data.split(b"\n"):
        if line.strip():
            try:
                obj = loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                yield obj


def file_entries(data: bytes, path: str) -> list[JSONDict]:
    """Every object line of a whole file; bad lines are skipped with one warning per file.

    A last line without its newline that does not parse is a write in
    progress (or cut by a crash): skipped quietly, as it is no fault.
    """
    out: list[JSONDict] = []
    lines = data.split(b"\n")
    bad: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = loads(line)
        except ValueError as e:
            if number == len(lines):
                log.debug("transcript %s: ignoring an unfinished last line", path)
            else:
                bad.append(f"line {number} is not JSON ({e})")
            continue
        if isinstance(obj, dict):
            out.append(cast("JSONDict", obj))  # parsed JSON: str keys
        else:
            bad.append(f"line {number} is a JSON {type(obj).__name__}, not an object")
    _warn(path, "malformed line(s)", bad)
    return out


def _warn(path: str, what: str, bad: list[str]) -> None:
    if bad:
        log.warning("transcript %s: skipped %d %s; the first: %s", path, len(bad), what, bad[0])


def _as_dict(value: object) -> JSONDict | None:
    """``value`` (parsed JSON) as an object, or ``None`` if it is not one."""
    return cast("JSONDict", value) if isinstance(value, dict) else None


def _as_list(value: object) -> Sequence[Any] | None:
    """``value`` (parsed JSON) as an array, or ``None`` if it is not one."""
    return cast("Sequence[Any]", value) if isinstance(value, list) else None


def _epoch_ms(value: object) -> int | None:
    """An ISO timestamp as milliseconds since the epoch, as the official SDK counts them."""
    if not isinstance(value, str):
        return None
    try:
        return int(datetime.fromisoformat(value).timestamp() * 1000)
    except ValueError:
        return None


def _prompt_texts(entry: JSONDict) -> list[str]:
    """The texts of a user entry that may be a typed prompt (not meta, a tool result...)."""
    if entry.get("type") != "user" or entry.get("isMeta") or entry.get("isCompactSummary"):
        return []
    message = _as_dict(entry.get("message"))
    content = message.get("content") if message is not None else None
    blocks = _as_list(content)
    if isinstance(content, str):
        return [content]
    if blocks is None:
        return []
    if any(b is not None and b.get("type") == "tool_result" for b in map(_as_dict, blocks)):
        return []
    return [
        text
        for b in map(_as_dict, blocks)
        if b is not None and b.get("type") == "text" and isinstance(text := b.get("text"), str)
    ]


def first_prompt(entries: Iterable[JSONDict]) -> str | None:
    """The first thing the user typed, as the official SDK finds it; cut at 200 characters.

    Newlines become spaces. Text the CLI or an IDE injected is skipped. A
    slash command is skipped too, but when nothing else was typed the first
    command's name (``/clear``) is the answer.
    """
    command = None
    for entry in entries:
        for text in _prompt_texts(entry):
            flat = text.replace("\n", " ").strip()
            if not flat:
                continue
            if named := COMMAND_NAME.search(flat):
                command = command or named.group(1)
                continue
            if NOT_A_PROMPT.match(flat):
                continue
            return flat if len(flat) <= 200 else flat[:200].rstrip() + "\u2026"
    return command or None


def _last_str(entries: Iterable[JSONDict], kind: str | None, key: str) -> str | None:
    value = None
    for entry in entries:
        if (kind is None or entry.get("type") == kind) and isinstance(entry.get(key), str):
            value = entry[key]
    return value


def _first_str(entries: Iterable[JSONDict], key: str) -> str | None:
    return next((e[key] for e in entries if isinstance(e.get(key), str)), None)


def title_of(entries: list[JSONDict]) -> str | None:
    """A session's title as listing shows it: custom, else AI-made, else the first prompt."""
    return (
        _last_str(entries, "custom-title", "customTitle")
        or _last_str(entries, "ai-title", "aiTitle")
        or first_prompt(entries)
    )


def session_info(
    session_id: str,
    cwd: str | None,
    head: list[JSONDict],
    tail: list[JSONDict],
    size: int,
    last_modified: int,
    sidecar_title: Callable[[], str | None],
) -> SDKSessionInfo | None:
    """Listing's view of a file from the entries of its head and tail windows.

    ``tail`` is empty when ``head`` is the whole file; ``cwd`` is the
    directory the project is for, if known (the file's own ``cwd`` wins).
    The custom title is the last ``custom-title`` of the tail, else the one
    in the session's title file (``sidecar_title``, called only then: the
    CLI looks there too, for a title that has left the tail), else the last
    one of the head; then the AI title. None for a subagent's file (its
    first conversation entry is a sidechain) and for a file with neither a
    prompt, a title nor a summary.
    """
    for entry in head:
        if entry.get("type") in _CHAIN_TYPES and "uuid" in entry:
            if entry.get("isSidechain") is True:
                return None
            break
    end = tail or head
    custom = _last_str(end, "custom-title", "customTitle")
    if custom is None and tail:
        custom = sidecar_title() or _last_str(head, "custom-title", "customTitle")
    custom = (
        custom or _last_str(end, "ai-title", "aiTitle") or _last_str(head, "ai-title", "aiTitle")
    )
    custom = custom or None
    prompt = first_prompt(head)
    summary = (
        custom
        or _last_str(end, "last-prompt", "lastPrompt")
        or _last_str(end, "summary", "summary")
        or prompt
    )
    if not summary:
        return None
    return SDKSessionInfo(
        session_id=session_id,
        summary=summary,
        last_modified=last_modified,
        file_size=size,
        custom_title=custom,
        first_prompt=prompt,
        git_branch=_last_str(end, None, "gitBranch") or _first_str(head, "gitBranch") or None,
        cwd=_first_str(head, "cwd") or cwd or None,
        tag=_last_str(end, "tag", "tag") or None,
        created_at=next(
            (t for e in head if (t := _epoch_ms(e.get("timestamp"))) is not None), None
        ),
    )


# --------------------------------------------------------------------------
# The conversation: the chain from a leaf back to the root
# --------------------------------------------------------------------------


def _is_main(entry: JSONDict) -> bool:
    return not entry.get("isSidechain") and not entry.get("teamName")


def _message_id(entry: JSONDict) -> str | None:
    message = _as_dict(entry.get("message"))
    value = message.get("id") if message is not None else None
    return value if isinstance(value, str) else None


def _parent(entry: JSONDict) -> str | None:
    parent = entry.get("parentUuid")
    return parent if isinstance(parent, str) else None


def _has_tool_result(entry: JSONDict) -> bool:
    message = _as_dict(entry.get("message"))
    blocks = _as_list(message.get("content")) if message is not None else None
    return blocks is not None and any(
        b is not None and b.get("type") == "tool_result" for b in map(_as_dict, blocks)
    )


def _is_message(entry: JSONDict) -> bool:
    return entry.get("type") in ("user", "assistant") and _is_main(entry)


def conversation(entries: list[JSONDict], leaf_uuid: str | None = None) -> list[JSONDict]:
    """The conversation's entries, ending at ``leaf_uuid`` (default: the newest message).

    The chain is walked from the leaf through ``parentUuid``. Then the
    blocks of every model response on it that the walk missed (parallel
    tool calls) come back, with the tool results that answer them, if they
    were written before the leaf. Sidechain (subagent) and team entries are
    never leaves nor recovered. In file order, which is the order the CLI
    wrote them in.
    """
    by_uuid = {
        e["uuid"]: e
        for e in entries
        if e.get("type") in _CHAIN_TYPES and isinstance(e.get("uuid"), str)
    }
    nodes = [e for e in entries if by_uuid.get(e.get("uuid")) is e]  # a repeated uuid: the last
    position = {e["uuid"]: i for i, e in enumerate(nodes)}
    if leaf_uuid is None:
        leaf = next((e for e in reversed(nodes) if _is_message(e) and not e.get("isMeta")), None)
        if leaf is None:
            return []
    else:
        leaf = by_uuid[leaf_uuid]
    chosen: set[str] = set()
    entry: JSONDict | None = leaf
    while entry is not None and entry["uuid"] not in chosen:
        chosen.add(entry["uuid"])
        parent = _parent(entry)
        entry = None if parent is None else by_uuid.get(parent)
    before = nodes[: position[leaf["uuid"]] + 1]
    responses = {_message_id(by_uuid[u]) for u in chosen if by_uuid[u]["type"] == "assistant"}
    responses.discard(None)
    blocks = {
        e["uuid"]
        for e in before
        if e["type"] == "assistant" and _is_main(e) and _message_id(e) in responses
    }
    results = {
        e["uuid"]
        for e in before
        if e["type"] == "user" and _parent(e) in blocks and _has_tool_result(e)
    }
    chosen |= blocks | results
    return sorted((by_uuid[u] for u in chosen), key=lambda e: position[e["uuid"]])


def _session_message(
    entry: JSONDict, tool_use_id: str | None = None, parent_agent_id: str | None = None
) -> SessionMessage:
    session_id = entry.get("sessionId")
    return SessionMessage(
        type="user" if entry["type"] == "user" else "assistant",
        uuid=entry["uuid"],
        session_id=session_id if isinstance(session_id, str) else "",
        message=entry.get("message"),
        parent_tool_use_id=tool_use_id,
        parent_agent_id=parent_agent_id,
    )


def messages(entries: list[JSONDict]) -> list[SessionMessage]:
    """The user and assistant messages of the conversation; the CLI's ``isMeta`` ones left out."""
    return [
        _session_message(entry)
        for entry in conversation(entries)
        if _is_message(entry) and not entry.get("isMeta")
    ]


def subagent_messages(
    entries: list[JSONDict], tool_use_id: str | None, parent_agent_id: str | None
) -> list[SessionMessage]:
    """A subagent's user and assistant messages: the chain back from its newest message.

    A subagent's transcript is one straight chain (every entry a sidechain),
    so there are no branches or parallel blocks to put back.
    """
    by_uuid = {
        e["uuid"]: e
        for e in entries
        if e.get("type") in _CHAIN_TYPES and isinstance(e.get("uuid"), str)
    }
    leaf = next(
        (
            e
            for e in reversed(entries)
            if by_uuid.get(e.get("uuid")) is e and e["type"] in ("user", "assistant")
        ),
        None,
    )
    chain: list[JSONDict] = []
    seen: set[str] = set()
    entry = leaf
    while entry is not None and entry["uuid"] not in seen:
        seen.add(entry["uuid"])
        chain.append(entry)
        parent = _parent(entry)
        entry = None if parent is None else by_uuid.get(parent)
    return [
        _session_message(e, tool_use_id, parent_agent_id)
        for e in reversed(chain)
        if e["type"] in ("user", "assistant")
    ]


def agent_metadata(data: bytes) -> tuple[str | None, str | None]:
    """``(toolUseId, parentAgentId)`` from a subagent's ``.meta.json``; Nones if unusable."""
    try:
        document = _as_dict(loads(data))
    except ValueError:
        return None, None
    if document is None:
        return None, None
    tool_use_id = document.get("toolUseId")
    parent_agent_id = document.get("parentAgentId")
    return (
        tool_use_id if isinstance(tool_use_id, str) else None,
        parent_agent_id if isinstance(parent_agent_id, str) else None,
    )


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def dump(obj: JSONDict) -> bytes:
    """One line: compact JSON with UTF-8 text, as the CLI's ``JSON.stringify`` writes it."""
    return orjson.dumps(obj) + b"\n"


def title_file(title: str) -> bytes:
    """The title file (``<session>/custom-title.json``), as the CLI's rename writes it."""
    return orjson.dumps({"customTitle": title})


def title_from_file(data: bytes) -> str | None:
    """The title in a title file; None for anything else (the CLI ignores such a file too)."""
    try:
        obj = loads(data)
    except ValueError:
        return None
    document = _as_dict(obj)
    title = document.get("customTitle") if document is not None else None
    return title if isinstance(title, str) and title.strip() else None


def fork_lines(
    entries: list[JSONDict], session_id: str, up_to: str | None, title: str | None
) -> tuple[str, bytes, str]:
    """``(new session id, file content, title)`` of a fork of the conversation, up to ``up_to``.

    Entries get new uuids and are chained one after another in conversation
    order, as the CLI's own ``/branch`` chains them, each with a
    ``forkedFrom`` note; the source's ``content-replacement`` records come
    along. The last line is a ``custom-title``: ``title``, or the source's
    title (or first prompt) with `` (fork)`` added.
    """
    if up_to is not None and not any(e.get("uuid") == up_to and _is_message(e) for e in entries):
        raise ValueError(f"session {session_id} has no message with uuid {up_to!r}")
    chain = [e for e in conversation(entries, up_to) if e["type"] in _FORK_TYPES]
    if not any(e["type"] in ("user", "assistant") for e in chain):
        raise ValueError(f"session {session_id} has no conversation to fork")

    new_id = str(uuid_module.uuid4())
    new_uuids = {e["uuid"]: str(uuid_module.uuid4()) for e in chain}
    lines: list[bytes] = []
    parent: str | None = None
    for entry in chain:
        copy = {k: v for k, v in entry.items() if k not in _FORK_DROPPED_KEYS}
        copy.update(
            uuid=new_uuids[entry["uuid"]],
            parentUuid=parent,
            sessionId=new_id,
            isSidechain=False,
            forkedFrom={"sessionId": session_id, "messageUuid": entry["uuid"]},
        )
        source_tool = entry.get("sourceToolAssistantUUID")
        if isinstance(source_tool, str) and source_tool in new_uuids:
            copy["sourceToolAssistantUUID"] = new_uuids[source_tool]
        else:
            copy.pop("sourceToolAssistantUUID", None)
        lines.append(dump(copy))
        parent = copy["uuid"]
    for entry in entries:
        if entry.get("type") == "content-replacement" and entry.get("sessionId") == session_id:
            lines.append(dump({**entry, "sessionId": new_id}))
    if title is None:
        title = f"{title_of(entries) or 'Forked session'} (fork)"
    lines.append(dump({"type": "custom-title", "customTitle": title, "sessionId": new_id}))
    return new_id, b"".join(lines), title
