"""``InMemorySessionStore``: the reference store, a dict in this process."""

from __future__ import annotations

from ccsdk._store_summary import fold_session_summary
from ccsdk._store_types import (
    SessionKey,
    SessionListSubkeysKey,
    SessionStore,
    SessionStoreEntry,
    SessionStoreListEntry,
    SessionSummaryEntry,
    check_entries,
    check_key,
    check_project_key,
)
from ccsdk.session_stores._common import WriteClock

__all__ = ["InMemorySessionStore"]

_Stream = tuple[str, str, str | None]


class InMemorySessionStore(SessionStore):
    """Every transcript in a dict, for tests and development: gone when the process ends.

    It implements all six methods of :class:`~ccsdk.SessionStore`, keeps a
    summary per session with :func:`~ccsdk.fold_session_summary`, and stamps
    each write with a time that never repeats, so ``list_sessions`` orders
    back-to-back writes. It keeps the entry objects it is given (no copy):
    do not change an entry after appending it. Keys are checked
    (:class:`~ccsdk.InvalidSessionKeyError`); so is the shape of entries
    (:class:`~ccsdk.MalformedEntryError`), before anything is stored.

    ``get_entries``, ``size`` and ``clear`` are helpers for tests.
    """

    def __init__(self) -> None:
        self._entries: dict[_Stream, list[SessionStoreEntry]] = {}
        self._mtimes: dict[_Stream, int] = {}
        self._summaries: dict[tuple[str, str], SessionSummaryEntry] = {}
        self._clock = WriteClock()

    async def append(self, key: SessionKey, entries: list[SessionStoreEntry]) -> None:
        stream = check_key(key)
        check_entries(entries)
        if not entries:
            return
        self._entries.setdefault(stream, []).extend(entries)
        now = self._clock()
        self._mtimes[stream] = now
        project_key, session_id, subpath = stream
        if subpath is None:
            folded = fold_session_summary(
                self._summaries.get((project_key, session_id)), key, entries
            )
            folded["mtime"] = now
            self._summaries[(project_key, session_id)] = folded

    async def load(self, key: SessionKey) -> list[SessionStoreEntry] | None:
        entries = self._entries.get(check_key(key))
        return None if entries is None else list(entries)

    async def list_sessions(self, project_key: str) -> list[SessionStoreListEntry]:
        check_project_key(project_key)
        return [
            {"session_id": sid, "mtime": self._mtimes[(pk, sid, sub)]}
            for (pk, sid, sub) in self._entries
            if pk == project_key and sub is None
        ]

    async def list_session_summaries(self, project_key: str) -> list[SessionSummaryEntry]:
        check_project_key(project_key)
        return [s for (pk, _), s in self._summaries.items() if pk == project_key]

    async def delete(self, key: SessionKey) -> None:
        project_key, session_id, subpath = check_key(key)
        doomed = [
            stream
            for stream in self._entries
            if stream[:2] == (project_key, session_id) and (subpath is None or stream[2] == subpath)
        ]
        for stream in doomed:
            del self._entries[stream]
            del self._mtimes[stream]
        if subpath is None:
            self._summaries.pop((project_key, session_id), None)

    async def list_subkeys(self, key: SessionListSubkeysKey) -> list[str]:
        project_key, session_id, _ = check_key(key)
        return [
            sub
            for (pk, sid, sub) in self._entries
            if (pk, sid) == (project_key, session_id) and sub is not None
        ]

    # -- helpers for tests ------------------------------------------------------------

    def get_entries(self, key: SessionKey) -> list[SessionStoreEntry]:
        """The entries at ``key`` (``[]`` if none)."""
        return list(self._entries.get(check_key(key), []))

    @property
    def size(self) -> int:
        """How many sessions have a main transcript."""
        return sum(1 for (_, _, sub) in self._entries if sub is None)

    def clear(self) -> None:
        """Forget everything."""
        self._entries.clear()
        self._mtimes.clear()
        self._summaries.clear()
