"""``RedisSessionStore``: transcripts in Redis, through redis-py (``ccsdk[redis]``).

The key layout, under ``prefix`` (default ``"ccsdk:"``); ``<stream>`` is
``<project_key>/<session_id>`` for a main transcript and
``<project_key>/<session_id>/<subpath>`` for a subpath (no project key or
session id contains ``/``, so no two streams share a name)::

    <prefix>entries:<stream>             list of compact JSON entries, in order
    <prefix>uuids:<stream>               set of the entries' uuids (duplicates dropped)
    <prefix>sessions:<project_key>       sorted set: session id -> mtime (main only)
    <prefix>subkeys:<project_key>/<sid>  set of the session's subpaths
    <prefix>summary:<project_key>/<sid>  JSON {"mtime", "data"}

An ``append`` is one ``MULTI``/``EXEC`` transaction, guarded by ``WATCH`` on
the stream's uuid set and the session's summary: if another writer changed
either meanwhile, the read, fold and write start again, so appends to one
session commit one after the other and in full. ``mtime`` is the server's
clock (``TIME``), the same for every writer.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

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

__all__ = ["RedisSessionStore"]

T = TypeVar("T")


class RedisSessionStore(SessionStore):
    """A :class:`~ccsdk.SessionStore` in Redis 6.2 or later (it uses ``SMISMEMBER``).

    Give it a ``url`` (``"redis://localhost:6379/0"``, ``"rediss://..."``
    for TLS, ``"unix:///run/redis.sock"``) with ``client_kwargs`` for
    ``redis.Redis.from_url``, or a ready ``client`` (a ``redis.Redis``; a
    cluster client does not fit this layout's multi-key transactions).
    ``prefix`` starts every key, so several applications can share a
    database. ``ttl_seconds``, if set, makes every key of a session expire
    that long after its last write (Redis ``EXPIRE``): the store's retention.

    Needs ``pip install 'ccsdk[redis]'`` (redis-py), imported on first use.
    redis-py's connection pool is thread-safe; calls run in worker threads.
    """

    def __init__(
        self,
        url: str = "redis://localhost:6379/0",
        *,
        client: Any = None,
        prefix: str = "ccsdk:",
        ttl_seconds: int | None = None,
        **client_kwargs: Any,
    ) -> None:
        if ttl_seconds is not None and ttl_seconds <= 0:
            raise ValueError(f"ttl_seconds must be None or > 0, got {ttl_seconds!r}")
        self.url = url
        self.prefix = prefix
        self.ttl_seconds = ttl_seconds
        self._client = client
        self._owns_client = client is None
        self._client_kwargs = client_kwargs

    def _redis(self) -> Any:
        if self._client is None:
            # Imported here, not at the top: `import ccsdk` never loads a store's driver.
            # (Through importlib: redis-py's hints are partial, the store treats it as Any.)
            redis = importlib.import_module("redis")
            self._client = redis.Redis.from_url(self.url, **self._client_kwargs)
        return self._client

    async def _run(self, fn: Callable[[Any], T]) -> T:
        return await in_thread(lambda: fn(self._redis()))

    async def aclose(self) -> None:
        """Close the client's connections, if the store made the client."""
        client, self._client = self._client, None
        if client is not None and self._owns_client:
            await in_thread(client.close)
        elif client is not None:
            self._client = client

    async def __aenter__(self) -> RedisSessionStore:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- keys -------------------------------------------------------------------------

    def _stream(self, project_key: str, session_id: str, subpath: str | None) -> str:
        stream = f"{project_key}/{session_id}"
        return stream if subpath is None else f"{stream}/{subpath}"

    # -- the protocol -----------------------------------------------------------------

    async def append(self, key: SessionKey, entries: list[SessionStoreEntry]) -> None:
        project_key, session_id, subpath = check_key(key)
        checked = check_entries(entries)
        if not checked:
            return
        encoded = encode_entries(checked)
        uuids = [_uuid(entry) for entry in checked]
        p = self.prefix
        stream = self._stream(project_key, session_id, subpath)
        session = f"{project_key}/{session_id}"
        entries_key, uuids_key = f"{p}entries:{stream}", f"{p}uuids:{stream}"
        sessions_key, subkeys_key = f"{p}sessions:{project_key}", f"{p}subkeys:{session}"
        summary_key = f"{p}summary:{session}"
        ttl = self.ttl_seconds

        def write(client: Any) -> None:
            watch_error: type[Exception] = importlib.import_module("redis").WatchError
            with client.pipeline(transaction=True) as pipe:
                while True:
                    try:
                        pipe.watch(uuids_key, summary_key)
                        wanted = [u for u in uuids if u is not None]
                        known: set[str] = set()
                        if wanted:
                            flags = cast("list[int]", pipe.smismember(uuids_key, wanted))
                            known = {u for u, seen in zip(wanted, flags, strict=True) if seen}
                        fresh: list[bytes] = []
                        fresh_uuids: list[str] = []
                        for uuid, raw in zip(uuids, encoded, strict=True):
                            if uuid is not None:
                                if uuid in known:
                                    continue
                                known.add(uuid)
                                fresh_uuids.append(uuid)
                            fresh.append(raw)
                        seconds, micros = pipe.time()
                        now = seconds * 1000 + micros // 1000
                        prev_raw = cast("bytes | None", pipe.get(summary_key))
                        prev_doc: Any = None if prev_raw is None else orjson.loads(prev_raw)
                        if subpath is None and prev_doc is not None:
                            now = max(now, int(prev_doc["mtime"]))
                        pipe.multi()
                        if fresh:
                            pipe.rpush(entries_key, *fresh)
                        if fresh_uuids:
                            pipe.sadd(uuids_key, *fresh_uuids)
                        touched = [entries_key, uuids_key]
                        if subpath is None:
                            prev: SessionSummaryEntry | None = (
                                None
                                if prev_doc is None
                                else {
                                    "session_id": session_id,
                                    "mtime": prev_doc["mtime"],
                                    "data": prev_doc["data"],
                                }
                            )
                            folded = fold_session_summary(prev, key, entries)
                            pipe.set(
                                summary_key, orjson.dumps({"mtime": now, "data": folded["data"]})
                            )
                            pipe.zadd(sessions_key, {session_id: now})
                            touched.append(summary_key)
                        else:
                            pipe.sadd(subkeys_key, subpath)
                            touched.append(subkeys_key)
                        if ttl is not None:
                            for name in touched:
                                pipe.expire(name, ttl)
                        pipe.execute()
                    except watch_error:
                        continue
                    return

        await self._run(write)

    async def load(self, key: SessionKey) -> list[SessionStoreEntry] | None:
        project_key, session_id, subpath = check_key(key)
        name = f"{self.prefix}entries:{self._stream(project_key, session_id, subpath)}"
        rows = cast("list[bytes]", await self._run(lambda c: c.lrange(name, 0, -1)))
        if not rows:
            return None
        return [decode_entry(row, key, i) for i, row in enumerate(rows)]

    async def list_sessions(self, project_key: str) -> list[SessionStoreListEntry]:
        check_project_key(project_key)
        name = f"{self.prefix}sessions:{project_key}"
        rows = cast(
            "list[tuple[bytes, float]]",
            await self._run(lambda c: c.zrange(name, 0, -1, withscores=True)),
        )
        live = await self._live(project_key, [sid.decode() for sid, _ in rows])
        return [
            {"session_id": sid.decode(), "mtime": int(score)}
            for sid, score in rows
            if sid.decode() in live
        ]

    async def _live(self, project_key: str, session_ids: list[str]) -> set[str]:
        """The sessions whose main transcript still exists (a TTL may have expired it)."""
        if self.ttl_seconds is None or not session_ids:
            return set(session_ids)
        names = [f"{self.prefix}entries:{project_key}/{sid}" for sid in session_ids]

        def check(client: Any) -> list[int]:
            pipe = client.pipeline(transaction=False)
            for name in names:
                pipe.exists(name)
            return cast("list[int]", pipe.execute())

        flags = await self._run(check)
        return {sid for sid, alive in zip(session_ids, flags, strict=True) if alive}

    async def list_session_summaries(self, project_key: str) -> list[SessionSummaryEntry]:
        check_project_key(project_key)
        p = self.prefix

        def read(client: Any) -> list[tuple[str, bytes | None]]:
            ids = [
                sid.decode()
                for sid in cast("list[bytes]", client.zrange(f"{p}sessions:{project_key}", 0, -1))
            ]
            if not ids:
                return []
            docs = cast(
                "list[bytes | None]",
                client.mget([f"{p}summary:{project_key}/{sid}" for sid in ids]),
            )
            return list(zip(ids, docs, strict=True))

        out: list[SessionSummaryEntry] = []
        for sid, raw in await self._run(read):
            if raw is not None:
                doc = orjson.loads(raw)
                out.append({"session_id": sid, "mtime": int(doc["mtime"]), "data": doc["data"]})
        return out

    async def delete(self, key: SessionKey) -> None:
        project_key, session_id, subpath = check_key(key)
        p = self.prefix
        session = f"{project_key}/{session_id}"

        def write(client: Any) -> None:
            watch_error: type[Exception] = importlib.import_module("redis").WatchError
            with client.pipeline(transaction=True) as pipe:
                while True:
                    try:
                        pipe.watch(f"{p}subkeys:{session}")
                        if subpath is None:
                            subs = [
                                s.decode()
                                for s in cast("set[bytes]", pipe.smembers(f"{p}subkeys:{session}"))
                            ]
                        else:
                            subs = [subpath]
                        names = [
                            f"{p}{kind}:{session}/{s}"
                            for s in subs
                            for kind in ("entries", "uuids")
                        ]
                        pipe.multi()
                        if subpath is None:
                            names += [
                                f"{p}entries:{session}",
                                f"{p}uuids:{session}",
                                f"{p}subkeys:{session}",
                                f"{p}summary:{session}",
                            ]
                            pipe.zrem(f"{p}sessions:{project_key}", session_id)
                        else:
                            pipe.srem(f"{p}subkeys:{session}", subpath)
                        pipe.delete(*names)
                        pipe.execute()
                    except watch_error:
                        continue
                    return

        await self._run(write)

    async def list_subkeys(self, key: SessionListSubkeysKey) -> list[str]:
        project_key, session_id, _ = check_key(key)
        name = f"{self.prefix}subkeys:{project_key}/{session_id}"
        members = cast("set[bytes]", await self._run(lambda c: c.smembers(name)))
        return sorted(m.decode() for m in members)


def _uuid(entry: dict[str, Any]) -> str | None:
    value = entry.get("uuid")
    return value if isinstance(value, str) and value else None
