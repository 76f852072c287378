"""What a session store derives from entries: project keys and running summaries.

A leaf module (the standard library and :mod:`ccsdk._store_types` only).
:func:`project_key_for_directory` names a working directory the way the CLI
names its project directory (so keys of mirrored transcripts and keys a
program computes agree); :func:`fold_session_summary` is the pure fold a
store runs inside ``append`` to keep a session's summary without reading
its transcript again. :mod:`ccsdk.stored_sessions` shares the directory
naming and the prompt rules from here.
"""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any, Final, cast

from ccsdk._store_types import SessionKey, SessionStoreEntry, SessionSummaryEntry

__all__ = [
    "COMMAND_NAME",
    "MAX_PROJECT_NAME",
    "NOT_A_PROMPT",
    "fold_session_summary",
    "project_dir_name",
    "project_key_for_directory",
]

#: Longest project directory name before the CLI cuts it and adds a hash.
MAX_PROJECT_NAME: Final = 200

_NOT_ALNUM = re.compile(rb"[^a-zA-Z0-9]")

#: User text that is not a prompt: what the CLI or an IDE injected (the official
#: SDK's list, plus ``<system-reminder>`` and a command's stderr).
NOT_A_PROMPT: Final = re.compile(
    r"^(?:<local-command-std(?:out|err)>|<session-start-hook>|<tick>|<goal>|<system-reminder>|"
    r"\[Request interrupted by user[^\]]*\]|"
    r"\s*<ide_opened_file>[\s\S]*</ide_opened_file>\s*$|"
    r"\s*<ide_selection>[\s\S]*</ide_selection>\s*$)"
)
#: A slash command in a user message.
COMMAND_NAME: Final = re.compile(r"<command-name>(.*?)</command-name>")

#: Entry key -> summary key, for the string fields where the latest value wins.
_LATEST_WINS: Final = (
    ("customTitle", "custom_title"),
    ("aiTitle", "ai_title"),
    ("lastPrompt", "last_prompt"),
    ("summary", "summary_hint"),
    ("gitBranch", "git_branch"),
)


# --------------------------------------------------------------------------
# Project keys
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


def project_key_for_directory(directory: str | Path | None = None) -> str:
    """The ``project_key`` of a working directory (default: the current one).

    The CLI's name for the directory's project folder: the real path
    (symbolic links resolved), in Unicode NFC, every character but an ASCII
    letter or digit made ``-``, a long one cut with a hash. So a key
    computed here equals the key of a transcript the CLI mirrors from that
    directory. It never contains ``/``.
    """
    path = str(directory) if directory is not None else "."
    try:
        real = os.path.realpath(path)
    except OSError:  # pragma: no cover - realpath raises only on exotic platforms
        real = path
    return project_dir_name(unicodedata.normalize("NFC", real))


# --------------------------------------------------------------------------
# Summaries
# --------------------------------------------------------------------------


def _epoch_ms(value: object) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return int(datetime.fromisoformat(value).timestamp() * 1000)
    except ValueError:
        return None


def _prompt_texts(entry: dict[str, Any]) -> list[str]:
    """The text of a user entry that may hold a prompt; none for a tool result or meta line."""
    if entry.get("type") != "user" or entry.get("isMeta") is True:
        return []
    if entry.get("isCompactSummary") is True:
        return []
    message: object = entry.get("message")
    if not isinstance(message, dict):
        return []
    content = cast("dict[str, object]", message).get("content")
    if isinstance(content, str):
        return [content]
    if not isinstance(content, list):
        return []
    blocks = [
        cast("dict[str, object]", b) for b in cast("list[object]", content) if isinstance(b, dict)
    ]
    if any(b.get("type") == "tool_result" for b in blocks):
        return []
    return [
        text for b in blocks if b.get("type") == "text" and isinstance(text := b.get("text"), str)
    ]


def _fold_first_prompt(data: dict[str, Any], entry: dict[str, Any]) -> None:
    if data.get("first_prompt_locked"):
        return
    for text in _prompt_texts(entry):
        flat = text.replace("\n", " ").strip()
        if not flat:
            continue
        if named := COMMAND_NAME.search(flat):
            if not data.get("command_fallback"):
                data["command_fallback"] = named.group(1)
            continue
        if NOT_A_PROMPT.match(flat):
            continue
        data["first_prompt"] = flat if len(flat) <= 200 else flat[:200].rstrip() + "\u2026"
        data["first_prompt_locked"] = True
        return


def fold_session_summary(
    prev: SessionSummaryEntry | None,
    key: SessionKey,
    entries: list[SessionStoreEntry],
) -> SessionSummaryEntry:
    """The summary of ``key``'s session after ``entries``, from the one before (``prev``).

    A pure function, for a store's ``append``: it reads only ``prev`` and the
    new entries, never the transcript, and returns a new summary (``prev``
    is not changed). Call it for main transcripts only (``subpath`` absent).

    ``mtime`` is carried over from ``prev`` (``0`` for a new session): the
    store stamps its own write time after it has stored the summary.
    ``data`` is the SDK's: the store keeps it as it is. What it tracks: the
    first timestamp (``created_at``, epoch ms), whether the session is a
    side chain, the first working directory, the first real prompt (or the
    first slash command, failing one), the latest custom title, AI title,
    last prompt, summary and git branch, and the tag (an empty ``tag``
    entry clears it).
    """
    if prev is not None:
        summary: SessionSummaryEntry = {
            "session_id": prev["session_id"],
            "mtime": prev["mtime"],
            "data": dict(prev["data"]),
        }
    else:
        summary = {"session_id": key["session_id"], "mtime": 0, "data": {}}
    data = summary["data"]
    for raw in entries:
        entry = cast("dict[str, Any]", raw)
        if "is_sidechain" not in data:
            data["is_sidechain"] = entry.get("isSidechain") is True
        if "created_at" not in data:
            ms = _epoch_ms(entry.get("timestamp"))
            if ms is not None:
                data["created_at"] = ms
        if "cwd" not in data:
            cwd = entry.get("cwd")
            if isinstance(cwd, str) and cwd:
                data["cwd"] = cwd
        _fold_first_prompt(data, entry)
        for source, target in _LATEST_WINS:
            value = entry.get(source)
            if isinstance(value, str):
                data[target] = value
        if entry.get("type") == "tag":
            tag = entry.get("tag")
            if isinstance(tag, str) and tag:
                data["tag"] = tag
            else:
                data.pop("tag", None)
    return summary
