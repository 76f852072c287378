"""The session-store protocol without a server: project keys, the summary fold, the suite itself."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import ccsdk
from ccsdk import SessionKey, SessionStoreEntry, fold_session_summary, project_key_for_directory
from ccsdk.testing import run_session_store_conformance

Runner = Callable[[Callable[[], Any]], Any]
KEY: SessionKey = {"project_key": "p", "session_id": "s"}


# -- project_key_for_directory ---------------------------------------------------------


def test_the_project_key_is_the_clis_directory_name(tmp_path: Path) -> None:
    work = tmp_path / "a b.c_d"
    work.mkdir()
    assert project_key_for_directory(work) == str(work.resolve()).replace("/", "-").replace(
        " ", "-"
    ).replace(".", "-").replace("_", "-")
    assert project_key_for_directory("/tmp") == "-tmp"
    assert project_key_for_directory(str(work)) == project_key_for_directory(work)


def test_the_project_key_defaults_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert project_key_for_directory() == project_key_for_directory(tmp_path)


def test_the_project_key_resolves_links_and_normalises_unicode(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert project_key_for_directory(tmp_path / "link") == project_key_for_directory(real)
    # NFD and NFC spellings of "é" give one key.
    assert project_key_for_directory("/nowhere/e\u0301") == project_key_for_directory(
        "/nowhere/\u00e9"
    )


def test_a_long_project_key_is_cut_and_hashed_and_never_has_the_separator() -> None:
    key = project_key_for_directory("/nowhere/" + "x" * 250)
    assert key.startswith("-nowhere-xxx") and len(key) > 200
    assert key[200] == "-" and key[201:].isalnum()
    # The CLI's hash (the official SDK's for code points below U+10000).
    assert key[201:] == "ucluaw"
    assert "/" not in project_key_for_directory("/a/b/c")
    # An emoji is two UTF-16 units, and so two dashes, as the CLI names it.
    assert project_key_for_directory("/x/\U0001f600") == "-x---"


# -- fold_session_summary -----------------------------------------------------------------


def _e(**fields: Any) -> SessionStoreEntry:
    entry: Any = fields
    return entry  # type: ignore[no-any-return]


def test_the_fold_tracks_what_a_listing_shows() -> None:
    first = fold_session_summary(
        None,
        KEY,
        [
            _e(
                type="user",
                timestamp="2024-05-01T10:00:00.123Z",
                cwd="/w",
                message={"content": "<command-name>/clear</command-name>"},
            ),
            _e(type="user", message={"content": [{"type": "tool_result", "content": "x"}]}),
            _e(type="user", isMeta=True, message={"content": "meta"}),
        ],
    )
    assert first == {
        "session_id": "s",
        "mtime": 0,
        "data": {
            "is_sidechain": False,
            "created_at": 1714557600123,
            "cwd": "/w",
            "command_fallback": "/clear",
        },
    }
    first["mtime"] = 1_700_000_000_000
    second = fold_session_summary(
        first,
        KEY,
        [
            _e(
                type="user",
                gitBranch="main",
                message={
                    "content": [
                        {"type": "text", "text": "<system-reminder>injected"},
                        {"type": "text", "text": "  hello\nworld " + "y" * 300},
                    ]
                },
            ),
            _e(type="tag", tag="t1"),
            _e(type="custom-title", customTitle="T"),
            _e(type="summary", summary="sum"),
        ],
    )
    assert first["data"] == {  # the fold never changes what it is given
        "is_sidechain": False,
        "created_at": 1714557600123,
        "cwd": "/w",
        "command_fallback": "/clear",
    }
    assert second["mtime"] == 1_700_000_000_000  # carried over: the store stamps it
    data = second["data"]
    assert data["first_prompt"] == "hello world " + "y" * 188 + "\u2026"
    assert data["first_prompt_locked"] is True
    assert (data["git_branch"], data["tag"], data["custom_title"], data["summary_hint"]) == (
        "main",
        "t1",
        "T",
        "sum",
    )
    third = fold_session_summary(second, KEY, [_e(type="tag", tag=""), _e(type="user")])
    assert "tag" not in third["data"]  # an empty tag clears it
    assert third["data"]["first_prompt"] == data["first_prompt"]  # the first prompt stays


# -- the conformance suite ----------------------------------------------------------------


class _Minimal:
    """Only the two required methods, without subclassing SessionStore."""

    def __init__(self) -> None:
        self.data: dict[tuple[str, ...], list[Any]] = {}

    async def append(self, key: SessionKey, entries: list[SessionStoreEntry]) -> None:
        if entries:
            self.data.setdefault(tuple(key.values()), []).extend(entries)

    async def load(self, key: SessionKey) -> list[SessionStoreEntry] | None:
        got = self.data.get(tuple(key.values()))
        return None if got is None else list(got)


class _Reversed(_Minimal):
    async def load(self, key: SessionKey) -> list[SessionStoreEntry] | None:
        got = await super().load(key)
        return None if got is None else got[::-1]


class _EmptyNotNone(_Minimal):
    async def load(self, key: SessionKey) -> list[SessionStoreEntry] | None:
        return await super().load(key) or []


class _ListsSubpaths(ccsdk.InMemorySessionStore):
    async def list_sessions(self, project_key: str) -> list[ccsdk.SessionStoreListEntry]:
        got = await super().list_sessions(project_key)
        return [
            s
            for s in got
            for _ in range(1 + len(await self.list_subkeys({"project_key": project_key, **s})))  # type: ignore[typeddict-item]
        ]


def test_a_minimal_duck_typed_store_passes(run: Runner) -> None:
    run(lambda: run_session_store_conformance(_Minimal))  # type: ignore[arg-type]


def test_the_in_memory_store_passes_from_an_async_factory(run: Runner) -> None:
    async def make() -> ccsdk.SessionStore:
        return ccsdk.InMemorySessionStore()

    run(lambda: run_session_store_conformance(make))


@pytest.mark.parametrize(
    ("store", "contract"),
    [
        (_Reversed, "1. load returns"),
        (_EmptyNotNone, "2. load of an unknown key"),
        (_ListsSubpaths, "8."),
    ],
)
def test_a_broken_store_fails_with_the_contract_it_broke(
    store: Any, contract: str, run: Runner
) -> None:
    with pytest.raises(AssertionError, match=f"contract broken: {contract}"):
        run(lambda: run_session_store_conformance(store))


def test_skipping_an_optional_method_skips_its_contracts(run: Runner) -> None:
    run(
        lambda: run_session_store_conformance(
            _ListsSubpaths, skip_optional=frozenset({"list_sessions"})
        )
    )
    with pytest.raises(AssertionError, match="no optional method"):
        run(lambda: run_session_store_conformance(_Minimal, skip_optional=frozenset({"load"})))  # type: ignore[arg-type]


def test_the_in_memory_helpers(run: Runner) -> None:
    store = ccsdk.InMemorySessionStore()

    async def main() -> None:
        await store.append(KEY, [_e(type="x", n=1)])
        await store.append({**KEY, "subpath": "subagents/agent-1"}, [_e(type="x")])
        await store.append({"project_key": "p", "session_id": "t"}, [_e(type="x")])

    run(main)
    assert store.get_entries(KEY) == [{"type": "x", "n": 1}]
    assert store.get_entries({"project_key": "p", "session_id": "nope"}) == []
    assert store.size == 2
    store.clear()
    assert store.size == 0


def test_the_store_types_are_exported_where_the_official_sdk_has_them() -> None:
    import ccsdk.types

    for name in (
        "SessionKey",
        "SessionListSubkeysKey",
        "SessionStore",
        "SessionStoreEntry",
        "SessionStoreFlushMode",
        "SessionStoreListEntry",
        "SessionSummaryEntry",
    ):
        assert getattr(ccsdk, name) is getattr(ccsdk.types, name)
    assert os.path.basename(ccsdk.InMemorySessionStore.__module__).startswith(
        "ccsdk.session_stores"
    )
