"""Sessions on disk: list, read, fork, rename, tag and delete the CLI's transcripts.

The CLI keeps every session it runs in
``<config>/projects/<project>/<session id>.jsonl``; ``<config>`` is
``$CLAUDE_CONFIG_DIR`` if set, else ``~/.claude``, and every function takes
``config_dir=`` to say otherwise (for a CLI started with another
``CLAUDE_CONFIG_DIR`` in ``options.env``, pass the same value). The format
is described in :mod:`ccsdk.transcript` and :mod:`ccsdk.session_files`.

Every function is async and does its file I/O in one worker thread
(``anyio.to_thread.run_sync``, one hop per call, not one per line), so it
never blocks the event loop, on trio or asyncio; the official SDK's
versions are plain blocking functions that also run ``git`` on the loop.
Here no ``git`` process runs at all: worktrees are found from git's own
files. Listing reads at most the first and last 64 KiB of each file (and
the session's small title file when the end of the file names no title),
and stops reading once ``limit`` sessions are found.

Bad input: a session id that is not a UUID (``"../x"``) is a
:class:`ValueError` before anything touches the disk; a well-formed id with
no transcript is :class:`~ccsdk.SessionNotFoundError`; a malformed line in a
transcript is skipped, with one warning per file on the ``ccsdk`` logger.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from os import PathLike
from typing import TypeVar

import anyio.to_thread

from ccsdk import session_files as _files
from ccsdk.transcript import (
    SessionInfo,
    SessionMessage,
    check_session_id,
    check_text,
    check_window,
)

__all__ = [
    "SessionInfo",
    "SessionMessage",
    "delete_session",
    "fork_session",
    "get_session_info",
    "get_session_messages",
    "list_sessions",
    "rename_session",
    "tag_session",
]

T = TypeVar("T")
StrPath = str | PathLike[str]


async def _in_thread(fn: Callable[..., T], *args: object) -> T:
    return await anyio.to_thread.run_sync(functools.partial(fn, *args))


def _check_optional_str(value: object, name: str) -> None:
    # Typed str | None, but a caller may pass anything.
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")


async def list_sessions(
    directory: StrPath | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    include_worktrees: bool = True,
    config_dir: StrPath | None = None,
) -> list[SessionInfo]:
    """Stored sessions, most recently modified first.

    With ``directory``, only the sessions that ran there (its real path, as
    the CLI files them), and, when it is inside a git repository and
    ``include_worktrees`` is true, those of the repository's other worktrees.
    Without it, the sessions of every project. ``offset`` skips that many;
    ``limit`` caps the page. Files that hold no conversation (a subagent's
    transcript, a session that never got a prompt) are left out.
    """
    check_window(limit, offset)
    return await _in_thread(
        _files.list_infos, directory, config_dir, limit, offset, include_worktrees
    )


async def get_session_info(
    session_id: str, directory: StrPath | None = None, *, config_dir: StrPath | None = None
) -> SessionInfo:
    """One session's listing entry, found in ``directory``'s projects or in all of them."""
    check_session_id(session_id)
    return await _in_thread(_files.get_info, session_id, directory, config_dir)


async def get_session_messages(
    session_id: str,
    directory: StrPath | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    config_dir: StrPath | None = None,
) -> list[SessionMessage]:
    """The session's conversation: its user and assistant messages, oldest first.

    The conversation is rebuilt from the ``parentUuid`` chain of the newest
    entry, so a branch abandoned by a rewind is not in it, and the results of
    parallel tool calls are. Entries the CLI adds for itself (``isMeta``
    prompts, attachments, subagent sidechains) are left out. Reads the whole
    file (in the worker thread).
    """
    check_session_id(session_id)
    check_window(limit, offset)
    return await _in_thread(_files.read_messages, session_id, directory, config_dir, limit, offset)


async def fork_session(
    session_id: str,
    *,
    up_to_message_id: str | None = None,
    title: str | None = None,
    directory: StrPath | None = None,
    config_dir: StrPath | None = None,
) -> SessionInfo:
    """Copy a session's conversation into a new session, which ``resume=`` can continue.

    ``up_to_message_id`` (a :attr:`SessionMessage.uuid`) ends the copy at
    that message, inclusive; by default the whole conversation is copied.
    The new session lives beside the old one, gets new entry uuids, a file
    created exclusively with mode 0600, and ``title`` (by default the old
    title with `` (fork)`` added). Returns the new session's info; its id is
    ``.session_id``. An ``up_to_message_id`` that is not a message of the
    session is a :class:`ValueError`.
    """
    check_session_id(session_id)
    _check_optional_str(up_to_message_id, "up_to_message_id")
    if title is not None:
        title = check_text(title, "title")
    return await _in_thread(_files.fork, session_id, up_to_message_id, title, directory, config_dir)


async def rename_session(
    session_id: str,
    title: str,
    *,
    directory: StrPath | None = None,
    config_dir: StrPath | None = None,
) -> None:
    """Set the session's title, as the CLI's ``/rename`` does: a ``custom-title`` line.

    The CLI shows it and finds the session by it (``resume="<title>"``).
    Surrounding whitespace is stripped; an empty title is a ValueError.
    """
    check_session_id(session_id)
    title = check_text(title, "title")
    entry = {"type": "custom-title", "customTitle": title, "sessionId": session_id}
    await _in_thread(_files.append_entry, session_id, entry, directory, config_dir)


async def tag_session(
    session_id: str,
    tag: str | None,
    *,
    directory: StrPath | None = None,
    config_dir: StrPath | None = None,
) -> None:
    """Set the session's tag (a ``tag`` line); ``None`` clears it."""
    check_session_id(session_id)
    value = "" if tag is None else check_text(tag, "tag")
    entry = {"type": "tag", "tag": value, "sessionId": session_id}
    await _in_thread(_files.append_entry, session_id, entry, directory, config_dir)


async def delete_session(
    session_id: str, *, directory: StrPath | None = None, config_dir: StrPath | None = None
) -> None:
    """Delete the transcript and the session's directory of subagent transcripts.

    For good: there is no undo. Delete only sessions no CLI is running.
    """
    check_session_id(session_id)
    await _in_thread(_files.delete, session_id, directory, config_dir)
