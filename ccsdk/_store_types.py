"""The session-store protocol: ``SessionStore``, its ``TypedDict`` s, and the key rules.

A leaf module (the standard library only), so that every layer can name the
types: the protocol's ``MirrorErrorMessage.key``, the options' field, the
adapters in :mod:`ccsdk.session_stores` and the conformance suite in
:mod:`ccsdk.testing`. The names, fields and method signatures are
``claude_agent_sdk`` 0.2.190's; the docstrings are ccsdk's own.

Beyond the official names, two ``ValueError`` subclasses give the store-level
faults a type (``docs/session-stores.md``, "Faults"): :class:`InvalidSessionKeyError`
for a key no store can file unambiguously, :class:`MalformedEntryError` for an
entry that is not a JSON object with a string ``type``.
"""

from typing import Any, Literal, NotRequired, Protocol, Required, TypedDict, cast

__all__ = [
    "KEY_SEPARATOR",
    "InvalidSessionKeyError",
    "MalformedEntryError",
    "SessionKey",
    "SessionListSubkeysKey",
    "SessionStore",
    "SessionStoreEntry",
    "SessionStoreFlushMode",
    "SessionStoreListEntry",
    "SessionSummaryEntry",
    "check_entries",
    "check_key",
    "check_project_key",
    "implements",
]


class SessionKey(TypedDict):
    """Where one transcript lives in a store: ``MirrorErrorMessage.key`` too.

    ``project_key`` scopes the sessions (by default the CLI's directory name
    for the working directory, :func:`~ccsdk.project_key_for_directory`; a
    tenant or project id in a multi-tenant service). ``subpath`` is absent
    for the main transcript and names a subagent's transcript otherwise
    (``"subagents/agent-<id>"``, as the CLI lays it out on disk); it is
    never the empty string.
    """

    project_key: str
    session_id: str
    subpath: NotRequired[str]


class SessionStoreEntry(TypedDict, total=False):
    """One line of a transcript, as the CLI wrote it: a JSON object with a ``type``.

    Stores keep entries as opaque JSON: what ``load`` returns must be equal
    (``==``) to what ``append`` was given, not byte-for-byte the same.
    ``uuid``, where present, identifies the entry.
    """

    type: Required[str]
    uuid: str
    timestamp: str


class SessionStoreListEntry(TypedDict):
    """One session in :meth:`SessionStore.list_sessions`: its id and last write, epoch ms."""

    session_id: str
    mtime: int


class SessionSummaryEntry(TypedDict):
    """A session's running summary, kept by the store beside its transcript.

    The store gets it from :func:`~ccsdk.fold_session_summary` inside
    ``append`` and stores it as it is; ``data`` belongs to the SDK and the
    store does not look inside. ``mtime`` is the store's own write time in
    epoch ms, on the same clock as :meth:`SessionStore.list_sessions`'s
    ``mtime`` for the session (not a time taken from the entries).
    """

    session_id: str
    mtime: int
    data: dict[str, Any]


class SessionListSubkeysKey(TypedDict):
    """The session whose subpaths :meth:`SessionStore.list_subkeys` lists."""

    project_key: str
    session_id: str


SessionStoreFlushMode = Literal["batched", "eager"]
"""When mirrored entries reach the store: ``"batched"`` (at the end of each
turn, or at 500 entries / 1 MiB) or ``"eager"`` (after every mirrored frame)."""


class SessionStore(Protocol):
    """Where session transcripts are mirrored to, and resumed from.

    Two methods are required, :meth:`append` and :meth:`load`. The other four
    are optional: callers look for them at run time, and a store that does
    not define one (or inherits this class's version, which raises
    :class:`NotImplementedError`) is taken not to have it. A store need not
    subclass this class; any object with the methods will do.

    The CLI's own files stay where they are; the store holds a second copy.
    Nothing is ever deleted from a store except by :meth:`delete`: retention
    (TTL, lifecycle rules, scheduled clean-up) is the store's business.
    """

    async def append(self, key: SessionKey, entries: list[SessionStoreEntry]) -> None:
        """Add ``entries`` to the end of the transcript at ``key``.

        Called once the CLI has written them to its own file, in batches.
        Entries from one process are kept in the order of the calls; across
        processes, in the order the store commits them. An entry's ``uuid``
        may be used to drop a duplicate; entries without one are always
        added. An empty list changes nothing.
        """
        ...

    async def load(self, key: SessionKey) -> list[SessionStoreEntry] | None:
        """Every entry at ``key``, in order; ``None`` for a key never written.

        Read to resume a session on a machine that does not have its files,
        and by the ``*_from_store`` functions. The entries equal what was
        appended; their keys' order inside each object may differ.
        """
        ...

    async def list_sessions(self, project_key: str) -> list[SessionStoreListEntry]:
        """The sessions with a main transcript under ``project_key`` (optional).

        Any order (callers sort by ``mtime``, newest first); subpaths are not
        sessions and are left out; an unknown project gives ``[]``.
        """
        raise NotImplementedError

    async def list_session_summaries(self, project_key: str) -> list[SessionSummaryEntry]:
        """The stored summary of each session under ``project_key`` (optional).

        Kept up to date inside :meth:`append` with
        :func:`~ccsdk.fold_session_summary`, for main transcripts only (a
        subpath's entries never change its session's summary). Two appends
        to one session may race: the store serialises the read, fold and
        write of the summary (a transaction, a lock, a compare-and-set).
        """
        raise NotImplementedError

    async def delete(self, key: SessionKey) -> None:
        """Remove the transcript at ``key`` (optional).

        Without a ``subpath``, the session goes with all its subpaths and its
        summary; with one, only that subpath. Deleting what is not there is
        no error.
        """
        raise NotImplementedError

    async def list_subkeys(self, key: SessionListSubkeysKey) -> list[str]:
        """The subpaths stored under a session, never the main transcript (optional)."""
        raise NotImplementedError


#: The separator in every store's key layout: no ``project_key`` or
#: ``session_id`` may contain it, so that no two keys share a storage name.
KEY_SEPARATOR = "/"


class InvalidSessionKeyError(ValueError):
    """A :class:`SessionKey` that no store could file without mixing it up with another.

    Raised before anything is read or written. ``project_key`` and
    ``session_id`` are non-empty strings without ``/`` (the separator of
    every key layout), NUL or other control characters, and are not ``.``
    or ``..``; ``subpath``, if present, is ``/``-separated segments that each
    follow the same rule. A session id need not be a UUID.
    """


class MalformedEntryError(ValueError):
    """An entry that is not a JSON object with a string ``type``.

    From ``append``: nothing of the batch was written. From ``load``: the
    store holds a row it cannot read as an entry (written by something
    else, or damaged); the message names the key and the entry's index.
    """


def _check_part(what: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidSessionKeyError(f"{what} must be a str, got {type(value).__name__}")
    if not value:
        raise InvalidSessionKeyError(f"{what} must not be empty")
    if KEY_SEPARATOR in value:
        raise InvalidSessionKeyError(
            f"{what} {value!r} contains {KEY_SEPARATOR!r}, the separator of store keys"
        )
    if value in (".", ".."):
        raise InvalidSessionKeyError(f"{what} must not be {value!r}")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise InvalidSessionKeyError(f"{what} {value!r} contains a control character")
    return value


def check_project_key(project_key: object) -> str:
    """``project_key`` itself, or :class:`InvalidSessionKeyError`."""
    return _check_part("project_key", project_key)


def check_key(key: SessionKey | SessionListSubkeysKey | object) -> tuple[str, str, str | None]:
    """``(project_key, session_id, subpath or None)`` of a valid key.

    Raises :class:`InvalidSessionKeyError` for anything else (see there),
    ``subpath=""`` included.
    """
    if not isinstance(key, dict):
        raise InvalidSessionKeyError(f"a session key is a dict, got {type(key).__name__}")
    key = cast("dict[str, object]", key)
    project_key = _check_part("project_key", key.get("project_key"))
    session_id = _check_part("session_id", key.get("session_id"))
    if "subpath" not in key:
        return project_key, session_id, None
    subpath: object = key.get("subpath")
    if not isinstance(subpath, str) or not subpath:
        raise InvalidSessionKeyError(
            f"subpath must be a non-empty str (omit it for the main transcript), got {subpath!r}"
        )
    for part in subpath.split(KEY_SEPARATOR):
        _check_part(f"a segment of subpath {subpath!r}", part)
    return project_key, session_id, subpath


def check_entries(entries: object) -> list[dict[str, Any]]:
    """``entries`` as a list of dicts, or :class:`MalformedEntryError` naming the first bad one."""
    if not isinstance(entries, list):
        raise MalformedEntryError(f"entries must be a list, got {type(entries).__name__}")
    for i, entry in enumerate(cast("list[object]", entries)):
        if not isinstance(entry, dict):
            raise MalformedEntryError(f"entry {i} is a {type(entry).__name__}, not a JSON object")
        if not isinstance(cast("dict[str, object]", entry).get("type"), str):
            raise MalformedEntryError(f"entry {i} has no string 'type'")
    return cast("list[dict[str, Any]]", entries)


def implements(store: object, method: str) -> bool:
    """Whether ``store`` has its own ``method``, not :class:`SessionStore`'s placeholder."""
    if getattr(store, method, None) is None:
        return False
    return getattr(type(store), method, None) is not getattr(SessionStore, method)
