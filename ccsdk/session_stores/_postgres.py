"""``PostgresSessionStore``: transcripts in PostgreSQL, through psycopg 3 (``ccsdk[postgres]``).

The schema (created on first use unless ``create_tables=False``)::

    ccsdk_session_entries(seq bigserial PRIMARY KEY, project_key, session_id,
                          subpath ('' = main), uuid (NULL if none), entry json)
        index (project_key, session_id, subpath, seq)
        unique (project_key, session_id, subpath, uuid) WHERE uuid IS NOT NULL
    ccsdk_session_streams(project_key, session_id, subpath, mtime bigint)
    ccsdk_session_summaries(project_key, session_id, mtime bigint, data jsonb)

``entry`` is ``json``, not ``jsonb``: it keeps the text as written and takes
strings with ``\\u0000``, which ``jsonb`` refuses. Each ``append`` is one
transaction that first takes a transaction-scoped advisory lock on its
session (``pg_advisory_xact_lock``), so appends to one session, from any
number of processes and machines, commit one after the other: ``seq``
follows commit order within a session, and the summary's read, fold and
write never race. ``mtime`` is the server's clock (``clock_timestamp()``),
the same for every writer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

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
from ccsdk.session_stores._common import decode_entry, encode_entries, in_thread

if TYPE_CHECKING:
    import psycopg

__all__ = ["PostgresSessionStore"]

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ccsdk_session_entries (
    seq bigserial PRIMARY KEY,
    project_key text NOT NULL,
    session_id text NOT NULL,
    subpath text NOT NULL,
    uuid text,
    entry json NOT NULL
);
CREATE INDEX IF NOT EXISTS ccsdk_session_entries_by_key
    ON ccsdk_session_entries (project_key, session_id, subpath, seq);
CREATE UNIQUE INDEX IF NOT EXISTS ccsdk_session_entries_by_uuid
    ON ccsdk_session_entries (project_key, session_id, subpath, uuid) WHERE uuid IS NOT NULL;
CREATE TABLE IF NOT EXISTS ccsdk_session_streams (
    project_key text NOT NULL,
    session_id text NOT NULL,
    subpath text NOT NULL,
    mtime bigint NOT NULL,
    PRIMARY KEY (project_key, session_id, subpath)
);
CREATE TABLE IF NOT EXISTS ccsdk_session_summaries (
    project_key text NOT NULL,
    session_id text NOT NULL,
    mtime bigint NOT NULL,
    data jsonb NOT NULL,
    PRIMARY KEY (project_key, session_id)
);
"""

#: The advisory lock that serialises creating the tables.
_SCHEMA_LOCK = 0x63637364_6B000001


class PostgresSessionStore(SessionStore):
    """A :class:`~ccsdk.SessionStore` in a PostgreSQL database (PostgreSQL 11 or later).

    ``conninfo`` is a libpq connection string or URL
    (``"postgresql://user@host/db"``, ``"host=/run/postgresql dbname=app"``);
    ``connect_kwargs`` go to ``psycopg.connect`` as they are. The store holds
    one connection, opened on first use and opened again after it breaks;
    its calls run one at a time in a worker thread. For many workers, give
    each its own store (each its own connection) or put PgBouncer in front.

    Needs ``pip install 'ccsdk[postgres]'`` (psycopg 3), imported on first
    use. ``create_tables=False`` skips the ``CREATE ... IF NOT EXISTS`` on
    connect, for a role that may not create tables (run the schema in
    ``docs/session-stores.md`` once as another role).
    """

    def __init__(
        self, conninfo: str = "", *, create_tables: bool = True, **connect_kwargs: Any
    ) -> None:
        self.conninfo = conninfo
        self.create_tables = create_tables
        self._connect_kwargs = connect_kwargs
        self._conn: psycopg.Connection[tuple[Any, ...]] | None = None
        self._lock = threading.Lock()

    # -- the connection ---------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        # Imported here, not at the top: `import ccsdk` never loads a store's driver.
        import psycopg

        conn = psycopg.connect(self.conninfo, autocommit=True, **self._connect_kwargs)
        try:
            if self.create_tables:
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                    conn.execute(_SCHEMA)
        except BaseException:
            conn.close()
            raise
        return conn

    async def _run(self, fn: Callable[[psycopg.Connection[tuple[Any, ...]]], T]) -> T:
        def call() -> T:
            with self._lock:
                if self._conn is not None and (self._conn.closed or self._conn.broken):
                    self._conn.close()
                    self._conn = None
                if self._conn is None:
                    self._conn = self._connect()
                return fn(self._conn)

        return await in_thread(call)

    async def aclose(self) -> None:
        """Close the connection; a later call opens another."""

        def close() -> None:
            with self._lock:
                conn, self._conn = self._conn, None
                if conn is not None:
                    conn.close()

        await in_thread(close)

    async def __aenter__(self) -> PostgresSessionStore:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- the protocol -----------------------------------------------------------------

    async def append(self, key: SessionKey, entries: list[SessionStoreEntry]) -> None:
        project_key, session_id, subpath = check_key(key)
        checked = check_entries(entries)
        if not checked:
            return
        sub = subpath or ""
        rows = [
            (project_key, session_id, sub, _uuid(entry), raw.decode())
            for entry, raw in zip(checked, encode_entries(checked), strict=True)
        ]

        def write(conn: psycopg.Connection[tuple[Any, ...]]) -> None:
            with conn.transaction(), conn.cursor() as cur:
                cur.execute(
                    "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                    (f"ccsdk-session:{project_key}/{session_id}",),
                )
                cur.executemany(
                    "INSERT INTO ccsdk_session_entries"
                    " (project_key, session_id, subpath, uuid, entry)"
                    " VALUES (%s, %s, %s, %s, %s::json)"
                    " ON CONFLICT (project_key, session_id, subpath, uuid)"
                    " WHERE uuid IS NOT NULL DO NOTHING",
                    rows,
                )
                cur.execute(
                    "SELECT GREATEST("
                    "(extract(epoch FROM clock_timestamp()) * 1000)::bigint,"
                    " (SELECT mtime FROM ccsdk_session_streams"
                    "  WHERE project_key = %s AND session_id = %s AND subpath = %s))",
                    (project_key, session_id, sub),
                )
                now_row = cur.fetchone()
                assert now_row is not None
                now: int = now_row[0]
                cur.execute(
                    "INSERT INTO ccsdk_session_streams VALUES (%s, %s, %s, %s)"
                    " ON CONFLICT (project_key, session_id, subpath)"
                    " DO UPDATE SET mtime = excluded.mtime",
                    (project_key, session_id, sub, now),
                )
                if subpath is None:
                    cur.execute(
                        "SELECT data FROM ccsdk_session_summaries"
                        " WHERE project_key = %s AND session_id = %s",
                        (project_key, session_id),
                    )
                    row = cur.fetchone()
                    prev: SessionSummaryEntry | None = (
                        None
                        if row is None
                        else {"session_id": session_id, "mtime": now, "data": row[0]}
                    )
                    folded = fold_session_summary(prev, key, entries)
                    cur.execute(
                        "INSERT INTO ccsdk_session_summaries VALUES (%s, %s, %s, %s::jsonb)"
                        " ON CONFLICT (project_key, session_id)"
                        " DO UPDATE SET mtime = excluded.mtime, data = excluded.data",
                        (project_key, session_id, now, orjson.dumps(folded["data"]).decode()),
                    )

        await self._run(write)

    async def load(self, key: SessionKey) -> list[SessionStoreEntry] | None:
        project_key, session_id, subpath = check_key(key)

        def read(conn: psycopg.Connection[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
            return conn.execute(
                "SELECT entry FROM ccsdk_session_entries"
                " WHERE project_key = %s AND session_id = %s AND subpath = %s ORDER BY seq",
                (project_key, session_id, subpath or ""),
            ).fetchall()

        rows = await self._run(read)
        if not rows:
            return None
        return [decode_entry(row[0], key, i) for i, row in enumerate(rows)]

    async def list_sessions(self, project_key: str) -> list[SessionStoreListEntry]:
        check_project_key(project_key)

        def read(conn: psycopg.Connection[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
            return conn.execute(
                "SELECT session_id, mtime FROM ccsdk_session_streams"
                " WHERE project_key = %s AND subpath = ''",
                (project_key,),
            ).fetchall()

        return [{"session_id": sid, "mtime": mtime} for sid, mtime in await self._run(read)]

    async def list_session_summaries(self, project_key: str) -> list[SessionSummaryEntry]:
        check_project_key(project_key)

        def read(conn: psycopg.Connection[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
            return conn.execute(
                "SELECT session_id, mtime, data FROM ccsdk_session_summaries"
                " WHERE project_key = %s",
                (project_key,),
            ).fetchall()

        return [
            {"session_id": sid, "mtime": mtime, "data": data}
            for sid, mtime, data in await self._run(read)
        ]

    async def delete(self, key: SessionKey) -> None:
        project_key, session_id, subpath = check_key(key)
        where = "project_key = %s AND session_id = %s"
        args: tuple[str, ...] = (project_key, session_id)
        if subpath is not None:
            where += " AND subpath = %s"
            args += (subpath,)

        def write(conn: psycopg.Connection[tuple[Any, ...]]) -> None:
            with conn.transaction(), conn.cursor() as cur:
                cur.execute(
                    "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                    (f"ccsdk-session:{project_key}/{session_id}",),
                )
                cur.execute(f"DELETE FROM ccsdk_session_entries WHERE {where}", args)
                cur.execute(f"DELETE FROM ccsdk_session_streams WHERE {where}", args)
                if subpath is None:
                    cur.execute(f"DELETE FROM ccsdk_session_summaries WHERE {where}", args)

        await self._run(write)

    async def list_subkeys(self, key: SessionListSubkeysKey) -> list[str]:
        project_key, session_id, _ = check_key(key)

        def read(conn: psycopg.Connection[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
            return conn.execute(
                "SELECT subpath FROM ccsdk_session_streams"
                " WHERE project_key = %s AND session_id = %s AND subpath <> ''"
                " ORDER BY subpath",
                (project_key, session_id),
            ).fetchall()

        return [row[0] for row in await self._run(read)]


def _uuid(entry: dict[str, Any]) -> str | None:
    value = entry.get("uuid")
    return value if isinstance(value, str) and value else None
