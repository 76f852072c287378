"""Sessions on disk: list, read, fork, rename, tag and delete the CLI's transcripts.

The CLI keeps every session it runs in
``<config>/projects/<project>/<session id>.jsonl``; ``<config>`` is
``$CLAUDE_CONFIG_DIR`` if set, else ``~/.claude`` (read at each call: for a
CLI started with another ``CLAUDE_CONFIG_DIR`` in ``options.env``, set it in
``os.environ`` too). The format is described in :mod:`ccsdk.stored_sessions._transcript` and
:mod:`ccsdk.stored_sessions._files`.

Each function has two forms. The official SDK's name (``list_sessions``) is
synchronous, with the official SDK's signature and return type, so code
written for ``claude_agent_sdk`` runs unchanged. The same name with an ``a``
in front (``alist_sessions``) takes the same arguments and is awaitable on
trio and asyncio: it runs the synchronous function in a worker thread
(``anyio.to_thread.run_sync``, one hop per call), so the event loop never
waits on the disk. Cancelling the ``await`` returns at once; the thread
still finishes its file work (a fork, rename or delete is never left half
done), and its result is dropped.

No ``git`` process runs: worktrees are found from git's own files. Listing
reads at most the first and last 64 KiB of each file (and the session's
small title file when the end of the file names no title), and stops
reading once ``limit`` sessions are found.

Bad input: a session id that is not a UUID (``"../x"``) is a
:class:`ValueError` before anything touches the disk, a value of the wrong
type a :class:`TypeError`. A well-formed id with no transcript gives
``None`` or ``[]`` when reading, as in the official SDK, and
:class:`~ccsdk.SessionNotFoundError` (a :class:`FileNotFoundError`) when
changing it. A malformed line in a transcript is skipped, with one warning
per file on the ``ccsdk`` logger.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from os import PathLike
from typing import TypeVar

import anyio.to_thread

from ccsdk.stored_sessions import _files
from ccsdk.stored_sessions._transcript import (
    ForkSessionResult,
    SDKSessionInfo,
    SessionMessage,
    check_agent_id,
    check_directory,
    check_session_id,
    check_text,
    check_window,
    sanitize_unicode,
)

__all__ = [
    "ForkSessionResult",
    "SDKSessionInfo",
    "SessionMessage",
    "adelete_session",
    "afork_session",
    "aget_session_info",
    "aget_session_messages",
    "aget_subagent_messages",
    "alist_sessions",
    "alist_subagents",
    "arename_session",
    "atag_session",
    "delete_session",
    "fork_session",
    "get_session_info",
    "get_session_messages",
    "get_subagent_messages",
    "list_sessions",
    "list_subagents",
    "rename_session",
    "tag_session",
]

T = TypeVar("T")
StrPath = str | PathLike[str]


def _check_bool(value: object, name: str) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")


# --------------------------------------------------------------------------
# The official SDK's functions: synchronous
# --------------------------------------------------------------------------


def list_sessions(
    directory: StrPath | None = None,
    limit: int | None = None,
    offset: int = 0,
    include_worktrees: bool = True,
) -> list[SDKSessionInfo]:
    """Stored sessions, most recently modified first.

    With ``directory``, only the sessions that ran there (its real path, as
    the CLI files them), and, when it is inside a git repository and
    ``include_worktrees`` is true, those of the repository's other worktrees.
    Without it, the sessions of every project. ``offset`` skips that many;
    ``limit`` caps the page. Files that hold no conversation (a subagent's
    transcript, a session that never got a prompt) are left out.
    Blocks while it reads; :func:`alist_sessions` is the awaitable form.
    """
    where = check_directory(directory)
    check_window(limit, offset)
    _check_bool(include_worktrees, "include_worktrees")
    return _files.list_infos(where, limit, offset, include_worktrees)


def get_session_info(session_id: str, directory: StrPath | None = None) -> SDKSessionInfo | None:
    """One session's listing entry, found in ``directory``'s projects or in all of them.

    ``None`` if there is no such session, or its file holds no conversation
    (a subagent's transcript, or no prompt yet).
    """
    check_session_id(session_id)
    return _files.get_info(session_id, check_directory(directory))


def get_session_messages(
    session_id: str,
    directory: StrPath | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[SessionMessage]:
    """The session's conversation: its user and assistant messages, oldest first.

    The conversation is rebuilt from the ``parentUuid`` chain of the newest
    message, so a branch abandoned by a rewind is not in it, and the calls
    and results of parallel tool use are. Entries the CLI adds for itself
    (``isMeta`` prompts, attachments, subagent sidechains) are left out.
    Reads the whole file. ``[]`` if there is no such session.
    """
    check_session_id(session_id)
    where = check_directory(directory)
    check_window(limit, offset)
    return _files.read_messages(session_id, where, limit, offset)


def list_subagents(session_id: str, directory: StrPath | None = None) -> list[str]:
    """The ids of the session's subagents, whose transcripts the CLI keeps beside the session's.

    ``[]`` if there is no such session or it started no subagent.
    """
    check_session_id(session_id)
    return _files.list_agents(session_id, check_directory(directory))


def get_subagent_messages(
    session_id: str,
    agent_id: str,
    directory: StrPath | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[SessionMessage]:
    """A subagent's user and assistant messages, oldest first.

    ``agent_id`` is one of :func:`list_subagents`. Each message's
    ``parent_tool_use_id`` is the id of the tool call that started the
    subagent, and ``parent_agent_id`` the subagent that made that call (for
    nested subagents), as the subagent's ``.meta.json`` records them.
    ``[]`` if there is no such session or subagent.
    """
    check_session_id(session_id)
    check_agent_id(agent_id)
    where = check_directory(directory)
    check_window(limit, offset)
    return _files.read_agent_messages(session_id, agent_id, where, limit, offset)


def fork_session(
    session_id: str,
    directory: StrPath | None = None,
    up_to_message_id: str | None = None,
    title: str | None = None,
) -> ForkSessionResult:
    """Copy a session's conversation into a new session, which ``resume=`` can continue.

    ``up_to_message_id`` (a :attr:`SessionMessage.uuid`) ends the copy at
    that message, inclusive; by default the whole conversation is copied.
    The new session lives beside the old one, gets new entry uuids, a file
    created exclusively with mode 0600, and ``title`` (by default the old
    title with `` (fork)`` added). An ``up_to_message_id`` that is not a
    message of the session is a :class:`ValueError`; an unknown session a
    :class:`~ccsdk.SessionNotFoundError`.
    """
    check_session_id(session_id)
    where = check_directory(directory)
    if up_to_message_id is not None:
        check_session_id(up_to_message_id, "up_to_message_id")
    if title is not None:
        title = check_text(title, "title")
    return ForkSessionResult(_files.fork(session_id, up_to_message_id, title, where))


def rename_session(session_id: str, title: str, directory: StrPath | None = None) -> None:
    """Set the session's title, as the CLI's ``/rename`` does: a ``custom-title`` line.

    The CLI shows it and finds the session by it (``resume="<title>"``).
    Surrounding whitespace is stripped; an empty title is a ValueError.
    """
    check_session_id(session_id)
    title = check_text(title, "title")
    entry = {"type": "custom-title", "customTitle": title, "sessionId": session_id}
    _files.append_entry(session_id, entry, check_directory(directory))


def tag_session(session_id: str, tag: str | None, directory: StrPath | None = None) -> None:
    """Set the session's tag (a ``tag`` line); ``None`` clears it.

    As in the official SDK, the tag loses invisible characters (zero-width,
    directional, private-use...) and is NFKC-normalised, then stripped.
    """
    check_session_id(session_id)
    if tag is None:
        value = ""
    else:
        check_text(tag, "tag")
        value = check_text(sanitize_unicode(tag), "tag")
    entry = {"type": "tag", "tag": value, "sessionId": session_id}
    _files.append_entry(session_id, entry, check_directory(directory))


def delete_session(session_id: str, directory: StrPath | None = None) -> None:
    """Delete the transcript and the session's directory of subagent transcripts.

    For good: there is no undo. Delete only sessions no CLI is running.
    """
    check_session_id(session_id)
    _files.delete(session_id, check_directory(directory))


# --------------------------------------------------------------------------
# ccsdk's awaitable forms: the same calls in a worker thread
# --------------------------------------------------------------------------


async def _in_thread(fn: Callable[..., T], *args: object) -> T:
    # abandon_on_cancel: a cancelled caller stops waiting at once; the thread
    # finishes the call (its file work is never cut short) and its result is dropped.
    return await anyio.to_thread.run_sync(functools.partial(fn, *args), abandon_on_cancel=True)


async def alist_sessions(
    directory: StrPath | None = None,
    limit: int | None = None,
    offset: int = 0,
    include_worktrees: bool = True,
) -> list[SDKSessionInfo]:
    """:func:`list_sessions` in a worker thread: awaitable on trio and asyncio."""
    return await _in_thread(list_sessions, directory, limit, offset, include_worktrees)


async def aget_session_info(
    session_id: str, directory: StrPath | None = None
) -> SDKSessionInfo | None:
    """:func:`get_session_info` in a worker thread: awaitable on trio and asyncio."""
    return await _in_thread(get_session_info, session_id, directory)


async def aget_session_messages(
    session_id: str,
    directory: StrPath | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[SessionMessage]:
    """:func:`get_session_messages` in a worker thread: awaitable on trio and asyncio."""
    return await _in_thread(get_session_messages, session_id, directory, limit, offset)


async def alist_subagents(session_id: str, directory: StrPath | None = None) -> list[str]:
    """:func:`list_subagents` in a worker thread: awaitable on trio and asyncio."""
    return await _in_thread(list_subagents, session_id, directory)


async def aget_subagent_messages(
    session_id: str,
    agent_id: str,
    directory: StrPath | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[SessionMessage]:
    """:func:`get_subagent_messages` in a worker thread: awaitable on trio and asyncio."""
    return await _in_thread(get_subagent_messages, session_id, agent_id, directory, limit, offset)


async def afork_session(
    session_id: str,
    directory: StrPath | None = None,
    up_to_message_id: str | None = None,
    title: str | None = None,
) -> ForkSessionResult:
    """:func:`fork_session` in a worker thread: awaitable on trio and asyncio.

    Cancelled, it stops waiting at once; the fork is still written whole.
    """
    return await _in_thread(fork_session, session_id, directory, up_to_message_id, title)


async def arename_session(session_id: str, title: str, directory: StrPath | None = None) -> None:
    """:func:`rename_session` in a worker thread: awaitable on trio and asyncio."""
    await _in_thread(rename_session, session_id, title, directory)


async def atag_session(session_id: str, tag: str | None, directory: StrPath | None = None) -> None:
    """:func:`tag_session` in a worker thread: awaitable on trio and asyncio."""
    await _in_thread(tag_session, session_id, tag, directory)


async def adelete_session(session_id: str, directory: StrPath | None = None) -> None:
    """:func:`delete_session` in a worker thread: awaitable on trio and asyncio."""
    await _in_thread(delete_session, session_id, directory)
