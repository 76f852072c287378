"""``SQLiteSessionStore``: transcripts in one SQLite file, the embedded default.

The schema (created on first use; ``ccsdk_`` tables beside any others)::

    ccsdk_session_entries(seq INTEGER PRIMARY KEY AUTOINCREMENT,
                          project_key, session_id, subpath ('' = main),
                          uuid (NULL if none), entry TEXT (compact JSON))
        index (project_key, session_id, subpath, seq)
        unique (project_key, session_id, subpath, uuid) WHERE uuid IS NOT NULL
    ccsdk_session_streams(project_key, session_id, subpath, mtime)   -- one row per transcript
    ccsdk_session_summaries(project_key, session_id, mtime, data)    -- main transcripts only

Every ``append`` is one ``BEGIN IMMEDIATE`` transaction: it takes the file's
write lock first, so the entries, the stream's ``mtime`` and the summary
(read, fold, write) land together or not at all, and writers in several
threads or processes queue on the lock (``busy_timeout``) instead of
failing. ``seq`` follows commit order, so ``load`` returns each writer's
batches whole, in the order they were committed. The file is in WAL mode:
readers never wait for the writer.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import orjson

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
from ccsdk.session_stores._common import (
    WriteClock,
    decode_entry,
    encode_entries,
    in_thread,
)

if TYPE_CHECKING:
    import sqlite3

__all__ = ["SQLiteSessionStore"]

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ccsdk_session_entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    project_key TEXT NOT NULL,
    session_id TEXT NOT NULL,
    subpath TEXT NOT NULL,
    uuid TEXT,
    entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ccsdk_session_entries_by_key
    ON ccsdk_session_entries (project_key, session_id, subpath, seq);
CREATE UNIQUE INDEX IF NOT EXISTS ccsdk_session_entries_by_uuid
    ON ccsdk_session_entries (project_key, session_id, subpath, uuid) WHERE uuid IS NOT NULL;
CREATE TABLE IF NOT EXISTS ccsdk_session_streams (
    project_key TEXT NOT NULL,
    session_id TEXT NOT NULL,
    subpath TEXT NOT NULL,
    mtime INTEGER NOT NULL,
    PRIMARY KEY (project_key, session_id, subpath)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ccsdk_session_summaries (
    project_key TEXT NOT NULL,
    session_id TEXT NOT NULL,
    mtime INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (project_key, session_id)
) WITHOUT ROWID;
"""


class SQLiteSessionStore(SessionStore):
    """A :class:`~ccsdk.SessionStore` in a SQLite file: nothing to install or run.

    ``path`` is the database file (created if missing; ``":memory:"`` for a
    private one). Several stores, threads and processes on one machine may
    share the file: it runs in WAL mode, each write takes the lock up front
    and waits up to ``busy_timeout`` seconds for it. ``synchronous`` is
    SQLite's: ``"FULL"`` (the default) makes every acknowledged ``append``
    survive a power cut, ``"NORMAL"`` only a crash of the process. Not for a
    network file system: several machines need a server store.

    The driver is the standard library's ``sqlite3``, imported on first use
    and called in a worker thread, so the event loop (trio or asyncio) never
    waits on the disk. Call :meth:`aclose` (or use ``async with``) to close
    the file.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = 30.0,
        synchronous: Literal["FULL", "NORMAL"] = "FULL",
    ) -> None:
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError(f'synchronous must be "FULL" or "NORMAL", got {synchronous!r}')
        if busy_timeout < 0:
            raise ValueError(f"busy_timeout must be >= 0, got {busy_timeout!r}")
        self.path = os.fspath(path)
        self.busy_timeout = busy_timeout
        self.synchronous = synchronous
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._clock = WriteClock()

    # -- the connection ---------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        # Imported here, not at the top: `import ccsdk` never loads a store's driver.
        import sqlite3

        conn = sqlite3.connect(
            self.path,
            timeout=self.busy_timeout,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            _wal(conn, time.monotonic() + self.busy_timeout)
            conn.execute(f"PRAGMA synchronous = {self.synchronous}")
            conn.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}COMMIT;")
        except BaseException:
            conn.close()
            raise
        return conn

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        def call() -> T:
            with self._lock:
                if self._conn is None:
                    self._conn = self._connect()
                return fn(self._conn)

        return await in_thread(call)

    async def aclose(self) -> None:
        """Close the file; a later call opens it again."""

        def close() -> None:
            with self._lock:
                conn, self._conn = self._conn, None
                if conn is not None:
                    conn.close()

        await in_thread(close)

    async def __aenter__(self) -> SQLiteSessionStore:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- the protocol -----------------------------------------------------------------

    async def append(self, key: SessionKey, entries: list[SessionStoreEntry]) -> None:
        project_key, session_id, subpath = check_key(key)
        checked = check_entries(entries)
        if not checked:
            return
        rows = [
            (project_key, session_id, subpath or "", _uuid(entry), raw.decode())
            for entry, raw in zip(checked, encode_entries(checked), strict=True)
        ]

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(
                    "INSERT OR IGNORE INTO ccsdk_session_entries"
                    " (project_key, session_id, subpath, uuid, entry) VALUES (?, ?, ?, ?, ?)",
                    rows,
                )
                # The summary's mtime must not be older than the stream's, whatever
                # another process's clock said: take the later of the two.
                last = conn.execute(
                    "SELECT mtime FROM ccsdk_session_streams"
                    " WHERE project_key = ? AND session_id = ? AND subpath = ?",
                    (project_key, session_id, subpath or ""),
                ).fetchone()
                now = max(self._clock(), 0 if last is None else last[0])
                conn.execute(
                    "INSERT INTO ccsdk_session_streams VALUES (?, ?, ?, ?)"
                    " ON CONFLICT DO UPDATE SET mtime = excluded.mtime",
                    (project_key, session_id, subpath or "", now),
                )
                if subpath is None:
                    row = conn.execute(
                        "SELECT mtime, data FROM ccsdk_session_summaries"
                        " WHERE project_key = ? AND session_id = ?",
                        (project_key, session_id),
                    ).fetchone()
                    prev: SessionSummaryEntry | None = (
                        None
                        if row is None
                        else {
                            "session_id": session_id,
                            "mtime": row[0],
                            "data": orjson.loads(row[1]),
                        }
                    )
                    folded = fold_session_summary(prev, key, entries)
                    conn.execute(
                        "INSERT INTO ccsdk_session_summaries VALUES (?, ?, ?, ?)"
                        " ON CONFLICT DO UPDATE SET mtime = excluded.mtime, data = excluded.data",
                        (project_key, session_id, now, orjson.dumps(folded["data"]).decode()),
                    )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        await self._run(write)

    async def load(self, key: SessionKey) -> list[SessionStoreEntry] | None:
        project_key, session_id, subpath = check_key(key)

        def read(conn: sqlite3.Connection) -> list[Any]:
            return conn.execute(
                "SELECT entry FROM ccsdk_session_entries"
                " WHERE project_key = ? AND session_id = ? AND subpath = ? ORDER BY seq",
                (project_key, session_id, subpath or ""),
            ).fetchall()

        rows = await self._run(read)
        if not rows:
            return None
        return [decode_entry(row[0], key, i) for i, row in enumerate(rows)]

    async def list_sessions(self, project_key: str) -> list[SessionStoreListEntry]:
        check_project_key(project_key)

        def read(conn: sqlite3.Connection) -> list[Any]:
            return conn.execute(
                "SELECT session_id, mtime FROM ccsdk_session_streams"
                " WHERE project_key = ? AND subpath = ''",
                (project_key,),
            ).fetchall()

        return [{"session_id": sid, "mtime": mtime} for sid, mtime in await self._run(read)]

    async def list_session_summaries(self, project_key: str) -> list[SessionSummaryEntry]:
        check_project_key(project_key)

        def read(conn: sqlite3.Connection) -> list[Any]:
            return conn.execute(
                "SELECT session_id, mtime, data FROM ccsdk_session_summaries WHERE project_key = ?",
                (project_key,),
            ).fetchall()

        return [
            {"session_id": sid, "mtime": mtime, "data": orjson.loads(data)}
            for sid, mtime, data in await self._run(read)
        ]

    async def delete(self, key: SessionKey) -> None:
        project_key, session_id, subpath = check_key(key)
        where = "project_key = ? AND session_id = ?"
        args: tuple[str, ...] = (project_key, session_id)
        if subpath is not None:
            where += " AND subpath = ?"
            args += (subpath,)

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(f"DELETE FROM ccsdk_session_entries WHERE {where}", args)
                conn.execute(f"DELETE FROM ccsdk_session_streams WHERE {where}", args)
                if subpath is None:
                    conn.execute(f"DELETE FROM ccsdk_session_summaries WHERE {where}", args)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        await self._run(write)

    async def list_subkeys(self, key: SessionListSubkeysKey) -> list[str]:
        project_key, session_id, _ = check_key(key)

        def read(conn: sqlite3.Connection) -> list[Any]:
            return conn.execute(
                "SELECT subpath FROM ccsdk_session_streams"
                " WHERE project_key = ? AND session_id = ? AND subpath <> '' ORDER BY subpath",
                (project_key, session_id),
            ).fetchall()

        return [row[0] for row in await self._run(read)]


def _wal(conn: sqlite3.Connection, deadline: float) -> None:
    """Put the file in WAL mode (it stays so), waiting while another connection creates it.

    Switching the journal mode takes a lock that SQLite does not wait for with
    its busy handler: two processes opening a new file at once would see
    "database is locked". So: try again, briefly, until ``deadline``.
    """
    import sqlite3

    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
        else:
            return


def _uuid(entry: dict[str, Any]) -> str | None:
    value = entry.get("uuid")
    return value if isinstance(value, str) and value else None
