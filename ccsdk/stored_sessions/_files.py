"""Finding, reading and writing the CLI's transcript files: the blocking half.

Every function here does file I/O: the functions of
:mod:`ccsdk.stored_sessions` call them, and their ``a``-prefixed async forms
run those calls in a worker thread, one thread hop per call. All I/O goes
through the name ``os`` (no ``open``, no ``pathlib`` I/O, no ``shutil``), so
a test can swap it for a proxy and prove that none of it runs on the event
loop. What the lines mean is :mod:`ccsdk.stored_sessions._transcript`.

Where the CLI 2.1.331 puts things (checked against the real binary):

* ``<config>/projects/<project>/<session id>.jsonl``: ``<config>`` is
  ``$CLAUDE_CONFIG_DIR``, else ``~/.claude``; ``<project>`` is
  :func:`~ccsdk.stored_sessions._transcript.project_dir_name` of the real path (symlinks
  resolved) of the directory the session ran in.
* ``<config>/projects/<project>/<session id>/``: the session's subagent
  transcripts (``subagents/agent-<agent id>.jsonl``, each with an
  ``agent-<agent id>.meta.json`` naming the tool call that started it; the
  official SDK also looks in nested directories such as
  ``subagents/workflows/<run id>/``) and stored tool results, when it has any, and
  ``custom-title.json``, the title a rename gave it (mode 0600, in a 0700
  directory, as the CLI makes them).
* A git worktree is a working directory of its own, with its own project.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
import threading
from typing import Final

from ccsdk._errors import SessionNotFoundError
from ccsdk.stored_sessions._transcript import (
    MAX_PROJECT_NAME,
    UUID,
    JSONDict,
    SDKSessionInfo,
    SessionMessage,
    agent_metadata,
    dump,
    file_entries,
    fork_lines,
    messages,
    project_dir_name,
    session_info,
    subagent_messages,
    title_file,
    title_from_file,
    window_entries,
)

log = logging.getLogger("ccsdk")


#: How much of each file's start and end listing reads (as much as the CLI reads).
WINDOW: Final = 64 * 1024
_CLOEXEC: Final = getattr(os, "O_CLOEXEC", 0)
#: Writes never follow a symbolic link: a transcript or a session directory
#: that is a link could point anywhere the user can write.
_NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)


# --------------------------------------------------------------------------
# Where the files are
# --------------------------------------------------------------------------


def config_dir() -> str:
    """``$CLAUDE_CONFIG_DIR``, else ``~/.claude``: where the CLI writes, read at each call."""
    return os.environ.get("CLAUDE_CONFIG_DIR") or os.path.join(os.path.expanduser("~"), ".claude")


def projects_dir() -> str:
    return os.path.join(config_dir(), "projects")


def _project_dir(projects: str, path: str) -> str | None:
    """The existing project directory of ``path``; for a long one, any hash suffix will do."""
    name = project_dir_name(path)
    exact = os.path.join(projects, name)
    if os.path.isdir(exact):
        return exact
    if len(name) <= MAX_PROJECT_NAME:
        return None
    prefix = name[:MAX_PROJECT_NAME] + "-"
    try:
        with os.scandir(projects) as entries:
            for entry in entries:
                if entry.name.startswith(prefix) and entry.is_dir():
                    return entry.path
    except OSError:
        pass
    return None


def _git_worktree_roots(directory: str) -> list[str]:
    """Every worktree of the git repository holding ``directory``, read from git's files.

    No ``git`` process: the main worktree is the parent of the common
    ``.git`` directory and each linked one is named in
    ``<common>/worktrees/<name>/gitdir``. Empty outside a repository.
    """
    top = directory
    while not os.path.lexists(dot_git := os.path.join(top, ".git")):
        parent = os.path.dirname(top)
        if parent == top:
            return []
        top = parent
    if os.path.isdir(dot_git):
        common = dot_git
    else:  # a linked worktree: ".git" is a file saying "gitdir: <dir>"
        gitdir = _read_small(dot_git).removeprefix("gitdir:").strip()
        if not gitdir:
            return []
        gitdir = os.path.join(top, gitdir)
        shared = _read_small(os.path.join(gitdir, "commondir")).strip()
        common = os.path.normpath(os.path.join(gitdir, shared)) if shared else gitdir
    roots = [os.path.dirname(common)] if os.path.basename(common) == ".git" else []
    try:
        with os.scandir(os.path.join(common, "worktrees")) as entries:
            names = sorted(entry.name for entry in entries)
    except OSError:
        names = []
    for name in names:
        linked = _read_small(os.path.join(common, "worktrees", name, "gitdir")).strip()
        if linked:
            roots.append(os.path.dirname(linked))
    return [os.path.realpath(root) for root in roots]


def project_dirs(
    projects: str, directory: str | None, include_worktrees: bool
) -> list[tuple[str, str | None]]:
    """``(project dir, working directory or None)`` to look in: existing ones only."""
    if directory is None:
        try:
            with os.scandir(projects) as entries:
                return sorted((e.path, None) for e in entries if e.is_dir())
        except OSError:
            return []
    real = os.path.realpath(directory)
    paths = [real]
    if include_worktrees:
        paths += [p for p in _git_worktree_roots(real) if p != real]
    found: dict[str, str] = {}
    for path in paths:
        project = _project_dir(projects, path)
        if project is not None:
            found.setdefault(project, path)
    return list(found.items())


def find_session(session_id: str, directory: str | None) -> tuple[str, str | None] | None:
    """``(path of the transcript, working directory if known)``, or None.

    An empty file does not count: as for the official SDK, it means "not
    here, look on" (a stub in one worktree's project, the session in another's).
    """
    name = session_id + ".jsonl"
    for project, cwd in project_dirs(projects_dir(), directory, include_worktrees=True):
        path = os.path.join(project, name)
        try:
            st = os.stat(path)
        except OSError:
            continue
        if st.st_size > 0 and stat.S_ISREG(st.st_mode):
            return path, cwd
    return None


def must_find_session(session_id: str, directory: str | None) -> tuple[str, str | None]:
    """:func:`find_session`, or :class:`~ccsdk.SessionNotFoundError` (a FileNotFoundError)."""
    found = find_session(session_id, directory)
    if found is None:
        raise SessionNotFoundError(session_id, directory)
    return found


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def _pread(fd: int, size: int, start: int) -> bytes:
    os.lseek(fd, start, os.SEEK_SET)
    chunks: list[bytes] = []
    while size > 0 and (chunk := os.read(fd, size)):
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _read_range(path: str, start: int, size: int) -> tuple[bytes, os.stat_result]:
    fd = os.open(path, os.O_RDONLY | _CLOEXEC)
    try:
        return _pread(fd, size, start), os.fstat(fd)
    finally:
        os.close(fd)


def _read_small(path: str) -> str:
    try:
        return _read_range(path, 0, 4096)[0].decode("utf-8", "replace")
    except OSError:
        return ""


def _read_all(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY | _CLOEXEC)
    try:
        chunks: list[bytes] = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_info(session_id: str, path: str, cwd: str | None) -> SDKSessionInfo | None:
    """One file's listing entry, from at most its first and last :data:`WINDOW` bytes."""
    head, st = _read_range(path, 0, WINDOW)
    tail = b""
    if st.st_size > WINDOW:
        head = head[: head.rfind(b"\n") + 1]  # the last line is cut: drop it
        # Read from one byte earlier, so that a line starting right at the
        # window's edge is seen whole; the cut line before it is dropped.
        start = max(WINDOW, st.st_size - WINDOW) - 1
        tail = _read_range(path, start, st.st_size - start)[0]
        tail = tail[tail.find(b"\n") + 1 :]
    return session_info(
        session_id,
        cwd,
        list(window_entries(head)),
        list(window_entries(tail)),
        st.st_size,
        int(st.st_mtime * 1000),  # as the official SDK counts
        lambda: _read_title_file(path),
    )


def _title_path(transcript: str) -> str:
    return os.path.join(transcript.removesuffix(".jsonl"), "custom-title.json")


def _read_title_file(transcript: str) -> str | None:
    try:
        return title_from_file(_read_range(_title_path(transcript), 0, WINDOW)[0])
    except OSError:
        return None


def list_infos(
    directory: str | None, limit: int | None, offset: int, include_worktrees: bool
) -> list[SDKSessionInfo]:
    """Newest first. Stats every file, then reads windows only until the page is full."""
    candidates: list[tuple[float, str, str, str | None]] = []
    for project, cwd in project_dirs(projects_dir(), directory, include_worktrees):
        try:
            with os.scandir(project) as entries:
                files = [e for e in entries if e.name.endswith(".jsonl")]
        except OSError:
            continue
        for entry in files:
            stem = entry.name.removesuffix(".jsonl")
            try:
                if UUID.fullmatch(stem) and entry.is_file():
                    candidates.append((entry.stat().st_mtime, stem, entry.path, cwd))
            except OSError:
                continue  # deleted while we listed
    candidates.sort(key=lambda c: (-c[0], c[1]))
    out: list[SDKSessionInfo] = []
    seen: set[str] = set()
    for _, session_id, path, cwd in candidates:
        if limit is not None and len(out) >= limit:
            break
        if session_id in seen:
            continue  # one session in two projects (worktrees): the newest file wins
        try:
            info = read_info(session_id, path, cwd)
        except OSError:
            continue  # deleted while we listed
        if info is None:
            continue
        seen.add(session_id)
        if offset:
            offset -= 1
        else:
            out.append(info)
    return out


def get_info(session_id: str, directory: str | None) -> SDKSessionInfo | None:
    found = find_session(session_id, directory)
    return None if found is None else read_info(session_id, *found)


def read_messages(
    session_id: str, directory: str | None, limit: int | None, offset: int
) -> list[SessionMessage]:
    found = find_session(session_id, directory)
    if found is None:
        return []
    path = found[0]
    return _page(messages(file_entries(_read_all(path), path)), limit, offset)


def _page(items: list[SessionMessage], limit: int | None, offset: int) -> list[SessionMessage]:
    return items[offset : None if limit is None else offset + limit]


def _agent_files(session_id: str, directory: str | None) -> list[tuple[str, str]]:
    """``(agent id, transcript path)`` of every subagent of the session, in name order.

    They are in ``<session>/subagents/``, or in directories nested in it
    (``workflows/<run id>/``). Symbolic links to directories are not followed.
    """
    found = find_session(session_id, directory)
    if found is None:
        return []
    out: list[tuple[str, str]] = []

    def walk(folder: str) -> None:
        try:
            with os.scandir(folder) as entries:
                children = sorted(entries, key=lambda e: e.name)
        except OSError:
            return
        for entry in children:
            name = entry.name
            try:
                if name.startswith("agent-") and name.endswith(".jsonl") and entry.is_file():
                    out.append((name.removeprefix("agent-").removesuffix(".jsonl"), entry.path))
                elif entry.is_dir(follow_symlinks=False):
                    walk(entry.path)
            except OSError:
                continue

    walk(os.path.join(found[0].removesuffix(".jsonl"), "subagents"))
    return out


def list_agents(session_id: str, directory: str | None) -> list[str]:
    return [agent_id for agent_id, _ in _agent_files(session_id, directory)]


def read_agent_messages(
    session_id: str, agent_id: str, directory: str | None, limit: int | None, offset: int
) -> list[SessionMessage]:
    path = next((p for a, p in _agent_files(session_id, directory) if a == agent_id), None)
    if path is None:
        return []
    try:
        meta = _read_all(path.removesuffix(".jsonl") + ".meta.json")
    except FileNotFoundError:
        meta = b""
    tool_use_id, parent_agent_id = agent_metadata(meta) if meta else (None, None)
    found = subagent_messages(file_entries(_read_all(path), path), tool_use_id, parent_agent_id)
    return _page(found, limit, offset)


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def _refuse_links(path: str, *, leaf: bool = True) -> None:
    """Refuse a write at ``path`` that would land outside the config directory.

    The CLI's files live in ``<config>/projects``; a transcript or a session
    directory there that is a symbolic link (planted, or left by a tool)
    must not make a rename or a fork modify the file it points to. So: the
    real path of the folder must be inside the real projects directory, and
    the file itself (with ``leaf``) must not be a link. The opens that
    follow use ``O_NOFOLLOW`` too, so a link swapped in between is refused
    by the kernel.

    Raises:
        PermissionError: saying which path is a link, or where it leads.
    """
    projects = os.path.realpath(projects_dir())
    folder = os.path.realpath(os.path.dirname(path))
    if os.path.commonpath([projects, folder]) != projects:
        raise PermissionError(
            f"refusing to write {path}: its directory leads to {folder}, "
            f"outside the CLI's projects directory {projects} (a symbolic link)"
        )
    if leaf and os.path.islink(path):
        raise PermissionError(
            f"refusing to write {path}: it is a symbolic link (to {os.readlink(path)}); "
            "session files are written only where the CLI keeps them"
        )


def _open_no_follow(path: str, flags: int, mode: int = 0o600) -> int:
    """``os.open`` with ``O_NOFOLLOW``; a link met there is a PermissionError that says so."""
    try:
        return os.open(path, flags | _NOFOLLOW | _CLOEXEC, mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PermissionError(
                f"refusing to write {path}: it is a symbolic link; "
                "session files are written only where the CLI keeps them"
            ) from None
        raise


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def append_entry(session_id: str, entry: JSONDict, directory: str | None) -> None:
    """Append one metadata line; for a ``custom-title``, write the title file as well."""
    path, _ = must_find_session(session_id, directory)
    titled = entry["type"] == "custom-title"
    if titled:  # refused before anything is written, not halfway
        _refuse_links(os.path.dirname(_title_path(path)))
    _append(session_id, path, entry)
    if titled:
        _write_title_file(path, entry["customTitle"])


def _append(session_id: str, path: str, entry: JSONDict) -> None:
    """Append in one ``write`` with ``O_APPEND``, as the CLI appends.

    A file whose last line was cut (a crash mid-write) gets a newline first,
    so that the new line stays a line of its own.
    """
    _refuse_links(path)
    try:
        fd = _open_no_follow(path, os.O_RDWR | os.O_APPEND)
    except FileNotFoundError:
        raise SessionNotFoundError(session_id) from None
    try:
        size = os.fstat(fd).st_size
        data = dump(entry)
        if size and _pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_title_file(transcript: str, title: str) -> None:
    """Replace the title file at once (a temporary file renamed over it): never half-written."""
    target = _title_path(transcript)
    folder = os.path.dirname(target)
    _refuse_links(folder)  # the session's own directory: not a link out
    os.makedirs(folder, mode=0o700, exist_ok=True)
    _refuse_links(target, leaf=False)  # and made just now, still inside
    temporary = os.path.join(folder, f".custom-title.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = _open_no_follow(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        try:
            _write_all(fd, title_file(title))
        finally:
            os.close(fd)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def delete(session_id: str, directory: str | None) -> None:
    """Remove the transcript, then the session's own directory (subagents, tool results)."""
    path, _ = must_find_session(session_id, directory)
    try:
        os.unlink(path)
    except FileNotFoundError:
        raise SessionNotFoundError(session_id) from None
    own = path.removesuffix(".jsonl")
    if os.path.isdir(own) and not os.path.islink(own):
        try:
            _remove_tree(own)
        except OSError as e:
            log.warning("deleted session %s, but not all of %s: %s", session_id, own, e)


def _remove_tree(top: str) -> None:
    """``shutil.rmtree``, without importing shutil (and bz2 and lzma) into ``import ccsdk``."""
    for root, dirs, files in os.walk(top, topdown=False):
        for name in files:
            os.unlink(os.path.join(root, name))
        for name in dirs:
            path = os.path.join(root, name)
            if os.path.islink(path):
                os.unlink(path)
            else:
                os.rmdir(path)
    os.rmdir(top)


def fork(session_id: str, up_to: str | None, title: str | None, directory: str | None) -> str:
    """Write a fork beside the source: created with ``O_EXCL``, mode 0600, never half-written.

    Returns the new session's id.
    """
    path, _ = must_find_session(session_id, directory)
    entries = file_entries(_read_all(path), path)
    new_id, content, title = fork_lines(entries, session_id, up_to, title)
    new_path = os.path.join(os.path.dirname(path), new_id + ".jsonl")
    _refuse_links(new_path)
    fd = _open_no_follow(new_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    try:
        _write_all(fd, content)
    except BaseException:
        os.close(fd)
        os.unlink(new_path)
        raise
    os.close(fd)
    _write_title_file(new_path, title)
    return new_id
