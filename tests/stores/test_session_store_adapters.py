"""The session stores against the conformance suite and the store-level faults, on real servers.

Every store ccsdk ships (the in-memory reference, SQLite, PostgreSQL, Redis,
S3) runs ``ccsdk.testing.run_session_store_conformance`` on trio and on
asyncio, against the servers ``conftest.py`` starts on loopback. The fault
tests are the rows of the table in ``docs/session-stores.md`` ("Faults").
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest

import ccsdk
from ccsdk import InvalidSessionKeyError, MalformedEntryError
from ccsdk.testing import run_session_store_conformance

Runner = Callable[[Callable[[], Any]], Any]
MakeStore = Callable[[str], Any]

KEY: ccsdk.SessionKey = {
    "project_key": "proj",
    "session_id": "0f1e2d3c-aaaa-bbbb-cccc-000000000001",
}
#: ccsdk's reference store and its four adapters (the servers: conftest.py).
KINDS = ("memory", "sqlite", "postgres", "redis", "s3")
#: Stores that drop an entry whose uuid they already hold.
DEDUPLICATING = ("sqlite", "postgres", "redis")


def entry(n: int, **fields: Any) -> dict[str, Any]:
    return {"type": "user", "uuid": f"u-{n}", "n": n, **fields}


@pytest.mark.parametrize("kind", KINDS)
def test_conformance(kind: str, run: Runner, make_store: MakeStore) -> None:
    run(lambda: run_session_store_conformance(lambda: make_store(kind)))


@pytest.mark.parametrize("kind", KINDS)
def test_entries_round_trip_as_json(kind: str, run: Runner, make_store: MakeStore) -> None:
    """Unicode, NUL, nesting, big numbers and floats come back equal."""
    store = make_store(kind)
    tricky = [
        entry(1, text="caf\u00e9 \U0001f600 \u0000 nul", nested={"a": [1, 2.5, None, True]}),
        entry(2, big=2**53, neg=-1, empty={}, s=""),
        {"type": "summary", "summary": "no uuid"},
    ]

    async def main() -> None:
        await store.append(KEY, tricky)
        assert await store.load(KEY) == tricky

    run(main)


# -- faults: keys ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "bad",
    [
        {"project_key": "a/b", "session_id": "s"},  # the separator in the project key
        {"project_key": "p", "session_id": "s/../x"},  # ... in the session id
        {"project_key": "", "session_id": "s"},
        {"project_key": "p", "session_id": ".."},
        {"project_key": "p", "session_id": "s\x00"},
        {"project_key": "p", "session_id": "s", "subpath": ""},
        {"project_key": "p", "session_id": "s", "subpath": "a//b"},
        {"project_key": "p", "session_id": "s", "subpath": "../x"},
        {"project_key": "p", "session_id": 7},
    ],
)
def test_a_key_no_store_can_file_is_refused(
    kind: str, bad: Any, run: Runner, make_store: MakeStore
) -> None:
    store = make_store(kind)

    async def main() -> None:
        with pytest.raises(InvalidSessionKeyError):
            await store.append(bad, [entry(1)])
        with pytest.raises(InvalidSessionKeyError):
            await store.load(bad)
        with pytest.raises(InvalidSessionKeyError):
            await store.delete(bad)
        if "subpath" not in bad:
            with pytest.raises(InvalidSessionKeyError):
                await store.list_subkeys(bad)
        assert await store.list_sessions("p") == []

    run(main)


@pytest.mark.parametrize("kind", KINDS)
def test_a_project_key_with_the_separator_is_refused_by_the_listings(
    kind: str, run: Runner, make_store: MakeStore
) -> None:
    store = make_store(kind)

    async def main() -> None:
        await store.append({"project_key": "a", "session_id": "b"}, [entry(1)])
        with pytest.raises(InvalidSessionKeyError, match="separator"):
            await store.list_sessions("a/b")
        assert isinstance(InvalidSessionKeyError("x"), ValueError)

    run(main)


@pytest.mark.parametrize("kind", KINDS)
def test_a_session_id_that_is_not_a_uuid_is_stored_as_it_is(
    kind: str, run: Runner, make_store: MakeStore
) -> None:
    store = make_store(kind)
    key: ccsdk.SessionKey = {"project_key": "proj", "session_id": "not a uuid: ok"}

    async def main() -> None:
        await store.append(key, [entry(1)])
        assert await store.load(key) == [entry(1)]
        assert [s["session_id"] for s in await store.list_sessions("proj")] == ["not a uuid: ok"]

    run(main)


# -- faults: entries ---------------------------------------------------------------------


_MALFORMED: dict[str, Any] = {
    "not-an-object": [entry(1), "a string"],
    "no-type": [entry(1), {"uuid": "no type"}],
    "type-not-str": [entry(1), {"type": 3}],
    "not-json": [entry(1), {"type": "user", "value": {1, 2}}],
    "not-a-list": "not a list",
}


@pytest.mark.parametrize(
    ("kind", "batch"),
    [
        pytest.param(kind, batch, id=f"{kind}-{name}")
        for kind in KINDS
        for name, batch in _MALFORMED.items()
        # The in-memory store keeps objects; it encodes nothing, so "not JSON" is no fault there.
        if not (kind == "memory" and name == "not-json")
    ],
)
def test_a_malformed_entry_fails_the_whole_batch(
    kind: str, batch: Any, run: Runner, make_store: MakeStore
) -> None:
    store = make_store(kind)

    async def main() -> None:
        with pytest.raises(MalformedEntryError):
            await store.append(KEY, batch)
        assert await store.load(KEY) is None

    run(main)


def _plant_bad_row(kind: str, store: Any, tmp_path: Path) -> None:
    """Write a row that is not an entry, behind the store's back, after one good entry."""
    if kind == "sqlite":
        import sqlite3

        with sqlite3.connect(store.path) as conn:
            conn.execute(
                "INSERT INTO ccsdk_session_entries (project_key, session_id, subpath, uuid, entry)"
                " VALUES (?, ?, '', NULL, ?)",
                (KEY["project_key"], KEY["session_id"], "{not json"),
            )
        conn.close()
    elif kind == "postgres":
        import psycopg

        with psycopg.connect(store.conninfo, **store._connect_kwargs) as conn:
            conn.execute(
                "INSERT INTO ccsdk_session_entries (project_key, session_id, subpath, uuid, entry)"
                " VALUES (%s, %s, '', NULL, '[1, 2]'::json)",
                (KEY["project_key"], KEY["session_id"]),
            )
    elif kind == "redis":
        store._redis().rpush(f"{store.prefix}entries:proj/{KEY['session_id']}", b"\xff not json")
    elif kind == "s3":
        store._s3().put_object(
            Bucket=store.bucket,
            Key=f"{store.prefix}proj/{KEY['session_id']}/part-9999999999999-0-zz.jsonl",
            Body=b'{"type": "user"}\n"a string, not an object"\n{"type": "user"}\n',
        )


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "memory"])
def test_a_malformed_stored_row_is_a_typed_error_naming_where_it_is(
    kind: str, run: Runner, make_store: MakeStore, tmp_path: Path
) -> None:
    store = make_store(kind)

    async def main() -> None:
        await store.append(KEY, [entry(1)])
        _plant_bad_row(kind, store, tmp_path)
        with pytest.raises(MalformedEntryError, match=r"proj/0f1e2d3c.*stored entry \d"):
            await store.load(KEY)

    run(main)


def test_a_torn_last_line_is_dropped_with_a_warning(
    run: Runner, make_store: MakeStore, caplog: pytest.LogCaptureFixture
) -> None:
    """An S3 part whose last line was cut (copied in by hand, say) loads without it."""
    store = make_store("s3")

    async def main() -> None:
        await store.append(KEY, [entry(1)])
        store._s3().put_object(
            Bucket=store.bucket,
            Key=f"{store.prefix}proj/{KEY['session_id']}/part-9999999999999-0-zz.jsonl",
            Body=b'{"type": "user", "n": 2}\n{"type": "user", "n": 3, "cut he',
        )
        with caplog.at_level(logging.WARNING, logger="ccsdk"):
            got = await store.load(KEY)
        assert got == [entry(1), {"type": "user", "n": 2}]
        assert "torn last line" in caplog.text

    run(main)


@pytest.mark.parametrize("kind", DEDUPLICATING)
def test_an_entry_appended_again_is_kept_once(
    kind: str, run: Runner, make_store: MakeStore
) -> None:
    """A retried batch that had landed (a timeout after the commit) adds nothing twice."""
    store = make_store(kind)

    async def main() -> None:
        await store.append(KEY, [entry(1), entry(2)])
        await store.append(KEY, [entry(2), entry(3), {"type": "tag", "tag": "t"}])
        await store.append(KEY, [{"type": "tag", "tag": "t"}])
        assert await store.load(KEY) == [
            entry(1),
            entry(2),
            entry(3),
            {"type": "tag", "tag": "t"},
            {"type": "tag", "tag": "t"},
        ]

    run(main)


# -- faults: two writers -----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_two_writers_on_one_session_lose_nothing_and_keep_batches_whole(
    kind: str, run: Runner, make_store: MakeStore
) -> None:
    """Two stores (two connections) append to one session at once."""
    first = make_store(kind)
    second = first if kind == "memory" else _twin(kind, first)
    batches = 15

    async def write(store: Any, who: str) -> None:
        for b in range(batches):
            await store.append(
                KEY,
                [{"type": "user", "uuid": f"{who}-{b}-{i}", "who": who, "b": b} for i in range(3)],
            )

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            tg.start_soon(write, first, "x")
            tg.start_soon(write, second, "y")
        if second is not first:
            await second.aclose()
        got = await first.load(KEY)
        assert got is not None and len(got) == 2 * batches * 3
        for who in ("x", "y"):
            mine = [(e["b"], e["uuid"]) for e in got if e["who"] == who]
            assert mine == sorted(mine, key=lambda t: (t[0], t[1]))  # each writer's order
        for start in range(0, len(got), 3):  # each batch whole
            assert len({(e["who"], e["b"]) for e in got[start : start + 3]}) == 1
        if hasattr(first, "list_session_summaries") and kind != "s3":
            summaries = await first.list_session_summaries("proj")
            assert [s["session_id"] for s in summaries] == [KEY["session_id"]]

    run(main)


def _twin(kind: str, store: Any) -> Any:
    """Another store on the same data, with its own connection."""
    if kind == "sqlite":
        return ccsdk.SQLiteSessionStore(store.path)
    if kind == "postgres":
        return ccsdk.PostgresSessionStore(store.conninfo, **store._connect_kwargs)
    if kind == "redis":
        return ccsdk.RedisSessionStore(store.url, prefix=store.prefix)
    return ccsdk.S3SessionStore(store.bucket, prefix=store.prefix, **store._client_kwargs)


_WRITER = textwrap.dedent(
    """
    import sys, trio, ccsdk
    path, who = sys.argv[1], sys.argv[2]
    key = {"project_key": "proj", "session_id": "s"}
    async def main():
        async with ccsdk.SQLiteSessionStore(path, busy_timeout=60) as store:
            for b in range(40):
                batch = [{"type": "user", "who": who, "b": b, "i": i} for i in range(5)]
                await store.append(key, batch)
    trio.run(main)
    """
)


def test_sqlite_is_safe_with_several_processes(tmp_path: Path, run: Runner) -> None:
    path = tmp_path / "shared.db"
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), who]) for who in ("p", "q", "r")
    ]
    assert [p.wait(120) for p in procs] == [0, 0, 0]

    async def main() -> None:
        async with ccsdk.SQLiteSessionStore(path) as store:
            got = await store.load({"project_key": "proj", "session_id": "s"})
            mode = await store._run(lambda c: c.execute("PRAGMA journal_mode").fetchone()[0])
        assert mode == "wal"
        assert got is not None and len(got) == 3 * 40 * 5
        for start in range(0, len(got), 5):
            assert len({(e["who"], e["b"]) for e in got[start : start + 5]}) == 1
        for who in "pqr":
            assert [e["b"] for e in got if e["who"] == who and e["i"] == 0] == list(range(40))

    run(main)


def test_redis_keys_expire_and_expired_sessions_are_not_listed(
    run: Runner, make_store: MakeStore
) -> None:
    plain = make_store("redis")
    prefix = f"{plain.prefix}ttl:"
    store = ccsdk.RedisSessionStore(plain.url, prefix=prefix, ttl_seconds=1000)
    other: ccsdk.SessionKey = {"project_key": "proj", "session_id": "gone"}

    async def main() -> None:
        await store.append(KEY, [entry(1)])
        await store.append({**KEY, "subpath": "subagents/agent-1"}, [entry(2)])
        await store.append(other, [entry(3)])
        client = store._redis()
        ttls = [client.ttl(name) for name in client.keys(f"{prefix}*")]
        assert ttls and all(0 < t <= 1000 for t in ttls if t != -1)
        assert ttls.count(-1) == 1  # the project's index of sessions only
        client.delete(f"{prefix}entries:proj/gone")  # as if it had expired
        assert [s["session_id"] for s in await store.list_sessions("proj")] == [KEY["session_id"]]
        await store.aclose()

    run(main)


# -- the package -------------------------------------------------------------------------


def test_import_ccsdk_loads_no_store_driver() -> None:
    code = (
        "import sys, ccsdk, ccsdk.types, ccsdk.testing\n"
        "print([m for m in ('sqlite3', 'psycopg', 'redis', 'boto3', 'botocore', 'moto',"
        " 'ccsdk.session_stores._sqlite', 'ccsdk.session_stores._sessions') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(out.stdout.replace("'", '"')) == []


def test_the_adapters_are_session_stores() -> None:
    for cls in (
        ccsdk.InMemorySessionStore,
        ccsdk.SQLiteSessionStore,
        ccsdk.PostgresSessionStore,
        ccsdk.RedisSessionStore,
        ccsdk.S3SessionStore,
    ):
        assert ccsdk.SessionStore in cls.__mro__
