"""``S3SessionStore``: transcripts as objects in an S3 bucket, through boto3 (``ccsdk[s3]``).

The object layout, under ``prefix``: one object per ``append``, never
rewritten (S3 has no append)::

    <prefix><project_key>/<session_id>/<part>              main transcript
    <prefix><project_key>/<session_id>/<subpath>/<part>    a subpath's
    <part> = part-<epoch ms, 13 digits>-<counter, 8 digits>-<writer id>.jsonl

A part is the batch's entries as JSON lines. ``load`` lists the stream's
parts (``Delimiter="/"``, so a subpath's parts stay out of the main
transcript) and reads them in name order: for one writer, the order of its
calls (the counter breaks ties within a millisecond); across writers, the
order of their clocks. ``list_sessions`` reads the project's listing;
``mtime`` is the newest main part's ``LastModified``. There is no
``list_session_summaries``: callers fall back to ``load`` per session.
"""

from __future__ import annotations

import importlib
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import anyio

from ccsdk._store_types import (
    SessionKey,
    SessionListSubkeysKey,
    SessionStore,
    SessionStoreEntry,
    SessionStoreListEntry,
    check_entries,
    check_key,
    check_project_key,
)
from ccsdk.session_stores._common import decode_jsonl, encode_entries, in_thread

__all__ = ["S3SessionStore"]

T = TypeVar("T")

#: How many parts ``load`` fetches at once.
_PARALLEL_GETS = 8


class S3SessionStore(SessionStore):
    """A :class:`~ccsdk.SessionStore` in an S3 bucket, or any S3-compatible store.

    ``bucket`` must exist. ``prefix`` (``""`` or ending in ``/``) starts
    every object key. Give a ready ``client`` (``boto3.client("s3", ...)``),
    or let the store make one from ``client_kwargs`` (``region_name``,
    ``endpoint_url`` for MinIO, Ceph, R2 or a local server, credentials...;
    otherwise boto3's usual configuration and credential chain).

    Needs ``pip install 'ccsdk[s3]'`` (boto3), imported on first use. boto3
    clients are thread-safe; calls run in worker threads, and ``load``
    fetches up to 8 parts at once. Objects are never rewritten, so every
    ``append`` is one ``PutObject`` and nothing is lost to a race between
    writers; deduplication by ``uuid`` is not done (it would need a read).
    """

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        client: Any = None,
        **client_kwargs: Any,
    ) -> None:
        if not bucket:
            raise ValueError("bucket must be a bucket name")
        if prefix and not prefix.endswith("/"):
            raise ValueError(f"prefix must be empty or end with '/', got {prefix!r}")
        self.bucket = bucket
        self.prefix = prefix
        self._client = client
        self._client_kwargs = client_kwargs
        self._client_lock = threading.Lock()
        self._writer = os.urandom(6).hex()
        self._counter = itertools.count()
        self._last_ms = 0

    def _s3(self) -> Any:
        with self._client_lock:
            if self._client is None:
                # Imported here, not at the top: `import ccsdk` never loads a store's driver.
                # (boto3 has no type hints: importlib keeps the checkers on Any.)
                boto3 = importlib.import_module("boto3")
                self._client = boto3.client("s3", **self._client_kwargs)
            return self._client

    async def _run(self, fn: Callable[[Any], T]) -> T:
        return await in_thread(lambda: fn(self._s3()))

    async def aclose(self) -> None:
        """Nothing to close (boto3 clients hold no open resources that need it)."""

    async def __aenter__(self) -> S3SessionStore:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- keys -------------------------------------------------------------------------

    def _dir(self, project_key: str, session_id: str, subpath: str | None) -> str:
        base = f"{self.prefix}{project_key}/{session_id}/"
        return base if subpath is None else f"{base}{subpath}/"

    def _part_name(self) -> str:
        with self._client_lock:
            ms = max(int(time.time() * 1000), self._last_ms)
            self._last_ms = ms
            return f"part-{ms:013d}-{next(self._counter):08d}-{self._writer}.jsonl"

    def _objects(self, client: Any, prefix: str, delimiter: str | None) -> Iterator[dict[str, Any]]:
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix}
        if delimiter is not None:
            kwargs["Delimiter"] = delimiter
        for page in client.get_paginator("list_objects_v2").paginate(**kwargs):
            yield from page.get("Contents", [])

    # -- the protocol -----------------------------------------------------------------

    async def append(self, key: SessionKey, entries: list[SessionStoreEntry]) -> None:
        project_key, session_id, subpath = check_key(key)
        checked = check_entries(entries)
        if not checked:
            return
        body = b"".join(raw + b"\n" for raw in encode_entries(checked))
        name = self._dir(project_key, session_id, subpath) + self._part_name()
        await self._run(
            lambda c: c.put_object(
                Bucket=self.bucket, Key=name, Body=body, ContentType="application/x-ndjson"
            )
        )

    async def load(self, key: SessionKey) -> list[SessionStoreEntry] | None:
        project_key, session_id, subpath = check_key(key)
        folder = self._dir(project_key, session_id, subpath)
        names = await self._run(lambda c: sorted(o["Key"] for o in self._objects(c, folder, "/")))
        if not names:
            return None
        bodies: list[bytes] = [b""] * len(names)
        limit = anyio.CapacityLimiter(_PARALLEL_GETS)

        async def fetch(i: int, name: str) -> None:
            async with limit:
                bodies[i] = await self._run(
                    lambda c: c.get_object(Bucket=self.bucket, Key=name)["Body"].read()
                )

        async with anyio.create_task_group() as tg:
            for i, name in enumerate(names):
                tg.start_soon(fetch, i, name)
        out: list[SessionStoreEntry] = []
        for body in bodies:
            out.extend(decode_jsonl(body, key, len(out)))
        return out

    async def list_sessions(self, project_key: str) -> list[SessionStoreListEntry]:
        check_project_key(project_key)
        top = f"{self.prefix}{project_key}/"

        def scan(client: Any) -> dict[str, int]:
            newest: dict[str, int] = {}
            for obj in self._objects(client, top, None):
                rest = obj["Key"][len(top) :].split("/")
                if len(rest) == 2:  # <session id>/<part>: a main transcript's part
                    ms = int(obj["LastModified"].timestamp() * 1000)
                    newest[rest[0]] = max(newest.get(rest[0], 0), ms)
            return newest

        newest = await self._run(scan)
        return [{"session_id": sid, "mtime": ms} for sid, ms in newest.items()]

    async def delete(self, key: SessionKey) -> None:
        project_key, session_id, subpath = check_key(key)
        folder = self._dir(project_key, session_id, subpath)
        # The whole session goes with its main transcript; a subpath alone with its own.
        delimiter = None if subpath is None else "/"

        def remove(client: Any) -> None:
            names = [o["Key"] for o in self._objects(client, folder, delimiter)]
            for start in range(0, len(names), 1000):
                chunk = names[start : start + 1000]
                answer = client.delete_objects(
                    Bucket=self.bucket,
                    Delete={"Objects": [{"Key": n} for n in chunk], "Quiet": True},
                )
                if errors := answer.get("Errors"):
                    raise OSError(
                        f"S3 DeleteObjects failed for {len(errors)} objects: {errors[:3]}"
                    )

        await self._run(remove)

    async def list_subkeys(self, key: SessionListSubkeysKey) -> list[str]:
        project_key, session_id, _ = check_key(key)
        folder = self._dir(project_key, session_id, None)

        def scan(client: Any) -> list[str]:
            found: dict[str, None] = {}
            for obj in self._objects(client, folder, None):
                rest = obj["Key"][len(folder) :].split("/")
                if len(rest) >= 2:
                    found["/".join(rest[:-1])] = None
            return sorted(found)

        return await self._run(scan)
