"""What the lines of a CLI transcript mean: pure functions, no I/O.

A transcript is the JSONL file the CLI appends to as a session runs
(:mod:`ccsdk.session_files` finds and reads it). As the CLI 2.1.331 writes
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
import re
import uuid as uuid_module
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, Final, cast

import attrs
import orjson

from ccsdk.protocol.codec import decode_message
from ccsdk.protocol.errors import MessageParseError
from ccsdk.protocol.messages import AssistantMessage, UserMessage
from ccsdk.runtime.json_lines import loads

log = logging.getLogger("ccsdk")

JSONDict = dict[str, Any]

#: Longest project directory name before the CLI cuts it and adds a hash.
MAX_PROJECT_NAME: Final = 200

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_NOT_ALNUM = re.compile(rb"[^a-zA-Z0-9]")
_CHAIN_TYPES: Final = frozenset({"user", "assistant", "attachment", "system", "progress"})
#: Entry types a fork copies: the conversation without the UI-only progress rows.
_FORK_TYPES: Final = frozenset({"user", "assistant", "attachment", "system"})
#: Keys tying an entry to its source session's teams, agents or compaction links.
_FORK_DROPPED_KEYS: Final = ("teamName", "agentName", "slug", "logicalParentUuid")
#: Text the CLI puts in user entries that is not something the user typed.
_NOT_A_PROMPT = re.compile(
    r"^(?:<command-name>|<command-message>|<local-command-std|<system-reminder>|"
    r"<session-start-hook>|<tick>|<goal>|\[Request interrupted by user)"
)


@attrs.frozen
class SessionInfo:
    """What listing tells about one stored session, from its first and last 64 KiB.

    ``title`` is the user's title (``rename_session``, the CLI's
    ``/rename``), ``ai_title`` the one the CLI generated, if any. ``summary``
    is the best one line to show: the title, else the AI title, else the
    latest prompt, else an old-style ``summary`` entry, else the first
    prompt. ``created_at`` is the first timestamp in the file (a fork keeps
    its source's), ``modified_at`` the file's. There is no message count:
    counting means reading the whole file, which listing never does.
    """

    session_id: str
    path: str
    cwd: str | None
    title: str | None
    ai_title: str | None
    tag: str | None
    first_prompt: str | None
    last_prompt: str | None
    summary: str | None
    git_branch: str | None
    created_at: datetime | None
    modified_at: datetime
    size: int


@attrs.frozen
class SessionMessage:
    """One message of a stored conversation, decoded as the live stream would be.

    ``message`` is the same :class:`~ccsdk.UserMessage` or
    :class:`~ccsdk.AssistantMessage` a running session yields (one assistant
    message per content block, as the CLI sends them). ``uuid`` is the
    transcript entry's id: pass it as ``fork_session(up_to_message_id=...)``.
    """

    uuid: str
    session_id: str
    timestamp: datetime | None
    message: UserMessage | AssistantMessage


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


def check_window(limit: object, offset: object) -> None:
    """``limit`` is None or an int >= 0; ``offset`` an int >= 0."""
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
        raise ValueError(f"limit must be None or an int >= 0, got {limit!r}")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise ValueError(f"offset must be an int >= 0, got {offset!r}")


# --------------------------------------------------------------------------
# Project directory names
# --------------------------------------------------------------------------


def _js_string_hash(text: str) -> str:
    """The CLI's hash of a path: ``h = h*31 + unit`` over UTF-16 units, int32, |h| in base 36."""
    units = text.encode("utf-16-le", "surrogatepass")
    h = 0
    for i in range(0, len(units), 2):
        h = (h * 31 + (units[i] | units[i + 1] << 8)) & 0xFFFFFFFF
    h = abs(h - (1 << 32) if h >= 1 << 31 else h)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        h, r = divmod(h, 36)
        out = digits[r] + out
        if h == 0:
            return out


def project_dir_name(path: str) -> str:
    """The directory name the CLI files a working directory's sessions under.

    Every UTF-16 code unit that is not an ASCII letter or digit becomes
    ``-`` (so an emoji, two units, becomes two dashes; no Unicode
    normalisation). A name over 200 characters is cut to 200 and gets ``-``
    and a base-36 hash of the path.
    """
    units = path.encode("utf-16-le", "surrogatepass")
    ascii_units = bytes(
        units[i] if units[i + 1] == 0 and units[i] < 0x80 else 0x2D for i in range(0, len(units), 2)
    )
    name = _NOT_ALNUM.sub(b"-", ascii_units).decode("ascii")
    if len(name) <= MAX_PROJECT_NAME:
        return name
    return f"{name[:MAX_PROJECT_NAME]}-{_js_string_hash(path)}"


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


def _timestamp(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _prompt_text(entry: JSONDict) -> str | None:
    """What the user typed, if this entry is a typed prompt (not meta, a tool result, a command)."""
    if entry.get("type") != "user" or entry.get("isMeta") or entry.get("isCompactSummary"):
        return None
    message = _as_dict(entry.get("message"))
    content = message.get("content") if message is not None else None
    blocks = _as_list(content)
    if isinstance(content, str):
        texts = [content]
    elif blocks is not None:
        if any(b is not None and b.get("type") == "tool_result" for b in map(_as_dict, blocks)):
            return None
        texts = [
            text
            for b in map(_as_dict, blocks)
            if b is not None and isinstance(text := b.get("text"), str)
        ]
    else:
        return None
    for text in texts:
        flat = " ".join(text.split())
        if flat and not _NOT_A_PROMPT.match(flat):
            return flat if len(flat) <= 200 else flat[:200].rstrip() + "\u2026"
    return None


def _last_str(entries: Iterable[JSONDict], kind: str | None, key: str) -> str | None:
    value = None
    for entry in entries:
        if (kind is None or entry.get("type") == kind) and isinstance(entry.get(key), str):
            value = entry[key]
    return value


def title_of(entries: list[JSONDict]) -> str | None:
    """A session's title as listing shows it: custom, else AI-made, else the first prompt."""
    return (
        _last_str(entries, "custom-title", "customTitle")
        or _last_str(entries, "ai-title", "aiTitle")
        or next((p for e in entries if (p := _prompt_text(e))), None)
    )


def session_info(
    session_id: str,
    path: str,
    cwd: str | None,
    head: list[JSONDict],
    tail: list[JSONDict],
    size: int,
    modified_at: datetime,
    sidecar_title: Callable[[], str | None],
) -> SessionInfo | None:
    """Listing's view of a file from the entries of its head and tail windows.

    ``tail`` is empty when ``head`` is the whole file. The title is the last
    ``custom-title`` of the tail, else the one in the session's title file
    (``sidecar_title``, called only then: the CLI looks there too, for a
    title that has left the tail), else the last one of the head.
    None for a subagent's file (its first conversation entry is a
    sidechain) and for a file with neither a prompt, a title nor a summary.
    """
    first_prompt = created = None
    seen_chain = False
    for entry in head:
        if entry.get("type") in _CHAIN_TYPES and "uuid" in entry:
            if not seen_chain and entry.get("isSidechain") is True:
                return None
            seen_chain = True
            if cwd is None and isinstance(entry.get("cwd"), str):
                cwd = entry["cwd"]
        created = created or _timestamp(entry.get("timestamp"))
        first_prompt = first_prompt or _prompt_text(entry)
    both = head + tail
    title = _last_str(tail or head, "custom-title", "customTitle")
    if title is None and tail:
        title = sidecar_title() or _last_str(head, "custom-title", "customTitle")
    ai_title = _last_str(both, "ai-title", "aiTitle")
    last_prompt = _last_str(both, "last-prompt", "lastPrompt")
    summary = title or ai_title or last_prompt or _last_str(both, "summary", "summary")
    summary = summary or first_prompt
    if summary is None:
        return None
    return SessionInfo(
        session_id=session_id,
        path=path,
        cwd=cwd,
        title=title,
        ai_title=ai_title,
        tag=_last_str(both, "tag", "tag") or None,
        first_prompt=first_prompt,
        last_prompt=last_prompt,
        summary=summary,
        git_branch=_last_str(both, None, "gitBranch"),
        created_at=created,
        modified_at=modified_at,
        size=size,
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


def _decode(entry: JSONDict) -> UserMessage | AssistantMessage:
    """Decode a transcript entry as the stream-json frame the CLI sends for it."""
    frame: JSONDict = {
        "type": entry["type"],
        "message": entry.get("message"),
        "uuid": entry["uuid"],
        "session_id": entry.get("sessionId"),
        "parent_tool_use_id": None,
    }
    if entry["type"] == "user" and "toolUseResult" in entry:
        frame["tool_use_result"] = entry["toolUseResult"]
    if isinstance(entry.get("error"), str):
        frame["error"] = entry["error"]
    return cast(UserMessage | AssistantMessage, decode_message(frame))


def messages(entries: list[JSONDict], session_id: str, path: str) -> list[SessionMessage]:
    """The user and assistant messages of the conversation, decoded; CLI-only ones left out.

    An entry that does not decode (a missing ``message.content``, say) is
    skipped, with one warning per file.
    """
    out: list[SessionMessage] = []
    bad: list[str] = []
    for entry in conversation(entries):
        if entry["type"] not in ("user", "assistant") or entry.get("isMeta"):
            continue
        try:
            message = _decode(entry)
        except MessageParseError as e:
            bad.append(f"entry {entry['uuid']}: {e}")
            continue
        timestamp = _timestamp(entry.get("timestamp"))
        out.append(SessionMessage(entry["uuid"], session_id, timestamp, message))
    _warn(path, "message(s) that do not decode", bad)
    return out


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
        title = f"{title_of(entries) or 'Untitled session'} (fork)"
    lines.append(dump({"type": "custom-title", "customTitle": title, "sessionId": new_id}))
    return new_id, b"".join(lines), title
