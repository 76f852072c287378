"""``run_session_store_conformance``: the contracts every ``SessionStore`` keeps.

The same contracts, in the same order and numbering, as
``claude_agent_sdk.testing.run_session_store_conformance`` (0.2.190): six
for the required ``append`` and ``load``, then those of each optional method
the store has. A broken contract is an :class:`AssertionError` that says
which one, and what came back. Plain ``assert`` s are not used, so the
checks hold under ``python -O`` and any test runner.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Awaitable, Callable
from typing import Any, cast

from ccsdk._store_summary import fold_session_summary
from ccsdk._store_types import SessionKey, SessionStore, SessionStoreEntry, implements

__all__ = ["run_session_store_conformance"]

_OPTIONAL = frozenset({"list_sessions", "list_session_summaries", "delete", "list_subkeys"})
_KEY: SessionKey = {"project_key": "proj", "session_id": "sess"}
_SUB1: SessionKey = {**_KEY, "subpath": "subagents/agent-1"}
_SUB2: SessionKey = {**_KEY, "subpath": "subagents/agent-2"}


def _e(**fields: Any) -> SessionStoreEntry:
    """An entry: ``type`` is required, its value does not matter to a store."""
    entry: Any = {"type": "x", **fields}
    return entry  # type: ignore[no-any-return]


def _expect(contract: str, ok: bool, got: object = None) -> None:
    if not ok:
        raise AssertionError(f"session store contract broken: {contract} (got {got!r})")


async def run_session_store_conformance(
    make_store: Callable[[], SessionStore | Awaitable[SessionStore]],
    *,
    skip_optional: frozenset[str] = frozenset(),
) -> None:
    """Check a session store against every contract: :class:`AssertionError` at the first break.

    ``make_store`` is called (and awaited, if it returns an awaitable) for a
    new, empty store before each contract; it may be a class. The contracts
    of an optional method run only if the store has its own version of it
    (not :class:`~ccsdk.SessionStore`'s placeholder) and it is not named in
    ``skip_optional``. One line in an async test::

        await run_session_store_conformance(MyStore)

    The keys it writes are under the project keys ``"proj"``, ``"A"``,
    ``"B"`` and ``"other"``, ``"other-proj"``: give it an empty store (a
    fresh database, table, key prefix or bucket) each time.
    """
    unknown = set(skip_optional) - _OPTIONAL
    if unknown:
        raise AssertionError(f"skip_optional names no optional method: {sorted(unknown)}")

    async def fresh() -> SessionStore:
        made = make_store()
        if inspect.isawaitable(made):
            return await made
        return made

    probe = await fresh()
    has = {m: m not in skip_optional and implements(probe, m) for m in _OPTIONAL}

    # 1. What was appended loads back, equal and in order.
    store = await fresh()
    await store.append(_KEY, [_e(uuid="b", n=1), _e(uuid="a", n=2)])
    got = await store.load(_KEY)
    _expect(
        "1. load returns the appended entries in order",
        got == [_e(uuid="b", n=1), _e(uuid="a", n=2)],
        got,
    )

    # 2. A key never written loads as None; so does a subpath of a written session.
    store = await fresh()
    got = await store.load({"project_key": "proj", "session_id": "nope"})
    _expect("2. load of an unknown key returns None", got is None, got)
    await store.append(_KEY, [_e(uuid="x", n=1)])
    got = await store.load({**_KEY, "subpath": "nope"})
    _expect("2. load of an unknown subpath returns None", got is None, got)

    # 3. Several appends keep the order of the calls.
    store = await fresh()
    await store.append(_KEY, [_e(uuid="z", n=1)])
    await store.append(_KEY, [_e(uuid="a", n=2), _e(uuid="m", n=3)])
    await store.append(_KEY, [_e(uuid="b", n=4)])
    got = await store.load(_KEY)
    want = [_e(uuid="z", n=1), _e(uuid="a", n=2), _e(uuid="m", n=3), _e(uuid="b", n=4)]
    _expect("3. appends keep their call order", got == want, got)

    # 4. append([]) changes nothing.
    store = await fresh()
    await store.append(_KEY, [_e(uuid="a", n=1)])
    await store.append(_KEY, [])
    got = await store.load(_KEY)
    _expect("4. append([]) is a no-op", got == [_e(uuid="a", n=1)], got)

    # 5. A subpath is a transcript of its own.
    store = await fresh()
    await store.append(_KEY, [_e(uuid="m", n=1)])
    await store.append(_SUB1, [_e(uuid="s", n=1)])
    got = await store.load(_KEY)
    _expect("5. the main transcript holds only its own entries", got == [_e(uuid="m", n=1)], got)
    got = await store.load(_SUB1)
    _expect("5. a subpath holds only its own entries", got == [_e(uuid="s", n=1)], got)

    # 6. Project keys keep sessions apart.
    store = await fresh()
    await store.append({"project_key": "A", "session_id": "s1"}, [_e(**{"from": "A"})])
    await store.append({"project_key": "B", "session_id": "s1"}, [_e(**{"from": "B"})])
    for project in ("A", "B"):
        got = await store.load({"project_key": project, "session_id": "s1"})
        _expect(f"6. project {project} keeps its own s1", got == [_e(**{"from": project})], got)
        if has["list_sessions"]:
            listed = await store.list_sessions(project)
            _expect(f"6. project {project} lists one session", len(listed) == 1, listed)

    if has["list_sessions"]:
        # 7. list_sessions gives the project's session ids, with mtimes in epoch ms.
        store = await fresh()
        for project, sid in (("proj", "a"), ("proj", "b"), ("other", "c")):
            await store.append({"project_key": project, "session_id": sid}, [_e(n=1)])
        listed = await store.list_sessions("proj")
        ids = sorted(s["session_id"] for s in listed)
        _expect("7. list_sessions gives the project's sessions", ids == ["a", "b"], listed)
        _expect(
            "7. list_sessions' mtime is epoch milliseconds",
            all(math.isfinite(s["mtime"]) and s["mtime"] > 1e12 for s in listed),
            listed,
        )
        none = await store.list_sessions("never-appended-project")
        _expect("7. an unknown project lists no session", none == [], none)

        # 8. Subpaths are not sessions.
        store = await fresh()
        await store.append({"project_key": "proj", "session_id": "main"}, [_e(n=1)])
        await store.append(
            {"project_key": "proj", "session_id": "main", "subpath": "subagents/agent-1"},
            [_e(n=1)],
        )
        listed = await store.list_sessions("proj")
        _expect(
            "8. list_sessions leaves subpaths out",
            [s["session_id"] for s in listed] == ["main"],
            listed,
        )

    if has["list_session_summaries"]:
        # 14. Summaries are the fold's output, stored as they are.
        store = await fresh()
        key: SessionKey = {"project_key": "proj", "session_id": "summ-sess"}
        await store.append(
            key,
            [
                _e(timestamp="2024-01-01T00:00:00.000Z", customTitle="first"),
                _e(timestamp="2024-01-01T00:00:01.000Z"),
            ],
        )
        await store.append(key, [_e(timestamp="2024-01-01T00:00:02.000Z", customTitle="second")])
        await store.append(
            {"project_key": "other", "session_id": "elsewhere"},
            [_e(timestamp="2024-01-01T00:00:00.000Z")],
        )
        summaries = await store.list_session_summaries("proj")
        by_id = {s["session_id"]: s for s in summaries}
        _expect("14. summaries are the project's sessions", set(by_id) == {"summ-sess"}, summaries)
        summary = by_id["summ-sess"]
        _expect(
            "14. a summary's mtime is epoch milliseconds",
            math.isfinite(summary["mtime"]) and summary["mtime"] > 1e12,
            summary,
        )
        if has["list_sessions"]:
            listed_mtime = {s["session_id"]: s["mtime"] for s in await store.list_sessions("proj")}
            _expect(
                "14. a summary's mtime is the store's write time, not older than list_sessions'",
                summary["mtime"] >= listed_mtime["summ-sess"],
                (summary["mtime"], listed_mtime),
            )
        _expect(
            "14. a summary's data is a dict",
            isinstance(cast(object, summary["data"]), dict),
            summary,
        )
        refolded = fold_session_summary(summary, key, [_e(timestamp="2024-01-01T00:00:03.000Z")])
        _expect(
            "14. a stored summary folds again",
            refolded["session_id"] == "summ-sess" and refolded["mtime"] == summary["mtime"],
            refolded,
        )
        await store.append(
            {**key, "subpath": "subagents/agent-1"},
            [_e(timestamp="2024-01-01T00:00:09.000Z", customTitle="subagent")],
        )
        after = {s["session_id"]: s for s in await store.list_session_summaries("proj")}
        _expect(
            "14. a subpath's entries leave the session's summary alone",
            after["summ-sess"]["data"] == summary["data"],
            after,
        )
        got_summaries = await store.list_session_summaries("never-appended-project")
        _expect("14. an unknown project has no summaries", got_summaries == [], got_summaries)
        if has["delete"]:
            await store.delete(key)
            got_summaries = await store.list_session_summaries("proj")
            _expect("14. delete removes the summary", got_summaries == [], got_summaries)

    if has["delete"]:
        # 9. Deleting what was never written is fine; a deleted session loads as None.
        store = await fresh()
        await store.delete({"project_key": "proj", "session_id": "never-written"})
        await store.append(_KEY, [_e(n=1)])
        await store.delete(_KEY)
        got = await store.load(_KEY)
        _expect("9. a deleted session loads as None", got is None, got)

        # 10. Deleting a session deletes its subpaths, and nothing else.
        store = await fresh()
        other: SessionKey = {"project_key": "proj", "session_id": "sess2"}
        other_proj: SessionKey = {"project_key": "other-proj", "session_id": _KEY["session_id"]}
        for k in (_KEY, _SUB1, _SUB2, other, other_proj):
            await store.append(k, [_e(n=1)])
        await store.delete(_KEY)
        for k in (_KEY, _SUB1, _SUB2):
            got = await store.load(k)
            _expect(f"10. delete of the session removes {k}", got is None, got)
        for k in (other, other_proj):
            got = await store.load(k)
            _expect(
                f"10. delete of another session keeps {k}", got is not None and len(got) == 1, got
            )
        if has["list_subkeys"]:
            subkeys = await store.list_subkeys(_KEY)
            _expect("10. a deleted session has no subkeys", subkeys == [], subkeys)
        if has["list_sessions"]:
            listed = await store.list_sessions(_KEY["project_key"])
            _expect(
                "10. a deleted session is not listed",
                _KEY["session_id"] not in [s["session_id"] for s in listed],
                listed,
            )

        # 11. Deleting a subpath deletes only it.
        store = await fresh()
        for k in (_KEY, _SUB1, _SUB2):
            await store.append(k, [_e(n=1)])
        await store.delete(_SUB1)
        got = await store.load(_SUB1)
        _expect("11. the deleted subpath loads as None", got is None, got)
        for k in (_SUB2, _KEY):
            got = await store.load(k)
            _expect(f"11. deleting a subpath keeps {k}", got is not None and len(got) == 1, got)
        if has["list_subkeys"]:
            subkeys = await store.list_subkeys(_KEY)
            _expect(
                "11. the other subpath is still listed", subkeys == ["subagents/agent-2"], subkeys
            )

    if has["list_subkeys"]:
        # 12. list_subkeys gives the session's subpaths, only its own.
        store = await fresh()
        await store.append(_KEY, [_e(n=1)])
        await store.append(_SUB1, [_e(n=1)])
        await store.append(_SUB2, [_e(n=1)])
        await store.append(
            {"project_key": "proj", "session_id": "other-sess", "subpath": "subagents/agent-x"},
            [_e(n=1)],
        )
        subkeys = await store.list_subkeys(_KEY)
        _expect(
            "12. list_subkeys gives the session's subpaths",
            sorted(subkeys) == ["subagents/agent-1", "subagents/agent-2"],
            subkeys,
        )

        # 13. The main transcript is not a subkey.
        store = await fresh()
        await store.append(_KEY, [_e(n=1)])
        subkeys = await store.list_subkeys(_KEY)
        _expect("13. list_subkeys leaves the main transcript out", subkeys == [], subkeys)
        subkeys = await store.list_subkeys({"project_key": "proj", "session_id": "never-appended"})
        _expect("13. an unknown session has no subkeys", subkeys == [], subkeys)
