"""The session functions on a store give what the disk functions give for the same transcript.

A session is written in the CLI's layout (``tests/test_stored_sessions.py``'s
builders), copied into a store with ``import_session_to_store``, then read
back with each ``*_from_store`` function and compared with its disk twin.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

import ccsdk
from ccsdk import (
    SessionNotFoundError,
    delete_session_via_store,
    fork_session_via_store,
    get_session_info,
    get_session_info_from_store,
    get_session_messages,
    get_session_messages_from_store,
    get_subagent_messages,
    get_subagent_messages_from_store,
    import_session_to_store,
    list_sessions,
    list_sessions_from_store,
    list_subagents,
    list_subagents_from_store,
    rename_session_via_store,
    tag_session_via_store,
)
from tests.test_stored_sessions import S1, S2, Transcript, config, cwd, said, subagent, tb

__all__ = ["config", "cwd"]  # the fixtures, used by name

Runner = Callable[[Callable[[], Any]], Any]
MakeStore = Callable[[str], Any]


def _session(cwd: str, config: Path) -> Path:
    """A session with a tool call, a title, a tag and two subagents; its transcript's path."""
    t = Transcript(S1, cwd)
    t.user("Build the thing")
    call = t.assistant(
        tb("On it"), {"type": "tool_use", "id": "toolu_1", "name": "Task", "input": {}}
    )
    t.user([{"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}], parent=call)
    t.assistant(tb("Done"), msg="msg_2")
    t.meta("custom-title", customTitle="The thing")
    t.meta("tag", tag="work")
    path = t.write(config)
    folder = path.with_suffix("") / "subagents"
    subagent(folder, "a1", {"toolUseId": "toolu_1", "agentType": "x"}, "p1", "p2")
    subagent(folder / "workflows" / "run1", "a2", {"toolUseId": "t2", "parentAgentId": "a1"}, "q")
    return path


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_an_imported_session_reads_back_as_on_disk(
    kind: str, cwd: str, config: Path, run: Runner, make_store: MakeStore
) -> None:
    _session(cwd, config)
    store = make_store(kind)

    async def main() -> None:
        await import_session_to_store(S1, store, directory=cwd, batch_size=2)
        got = await get_session_messages_from_store(store, S1, cwd)
        assert got == get_session_messages(S1, cwd)
        assert said(got)[-1] == ("assistant", "Done")
        assert await get_session_messages_from_store(store, S1, cwd, 1, 1) == got[1:2]
        assert await list_subagents_from_store(store, S1, cwd) == list_subagents(S1, cwd)
        for agent in ("a1", "a2"):
            assert await get_subagent_messages_from_store(
                store, S1, agent, cwd
            ) == get_subagent_messages(S1, agent, cwd)
        assert await get_subagent_messages_from_store(store, S1, "nope", cwd) == []

        disk = get_session_info(S1, cwd)
        info = await get_session_info_from_store(store, S1, cwd)
        assert disk is not None and info is not None
        fields = ("summary", "custom_title", "first_prompt", "git_branch", "cwd", "tag")
        assert [getattr(info, f) for f in fields] == [getattr(disk, f) for f in fields]
        assert info.created_at == disk.created_at
        [listed] = await list_sessions_from_store(store, cwd)
        assert (listed.session_id, listed.summary, listed.tag) == (S1, "The thing", "work")
        assert [i.summary for i in list_sessions(cwd)] == [listed.summary]

    run(main)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_rename_tag_fork_and_delete_via_the_store(
    kind: str, cwd: str, config: Path, run: Runner, make_store: MakeStore
) -> None:
    _session(cwd, config)
    store = make_store(kind)

    async def main() -> None:
        await import_session_to_store(S1, store, directory=cwd)
        await rename_session_via_store(store, S1, "  Renamed  ", cwd)
        await tag_session_via_store(store, S1, "urgent\u200b", cwd)
        [listed] = await list_sessions_from_store(store, cwd)
        assert (listed.summary, listed.custom_title, listed.tag) == ("Renamed", "Renamed", "urgent")
        await tag_session_via_store(store, S1, None, cwd)
        info = await get_session_info_from_store(store, S1, cwd)
        assert info is not None and info.tag is None

        original = await get_session_messages_from_store(store, S1, cwd)
        fork = await fork_session_via_store(store, S1, cwd, title="Branch")
        copied = await get_session_messages_from_store(store, fork.session_id, cwd)
        assert said(copied) == said(original)
        assert {m.session_id for m in copied} == {fork.session_id}
        short = await fork_session_via_store(store, S1, cwd, up_to_message_id=original[0].uuid)
        assert said(await get_session_messages_from_store(store, short.session_id, cwd)) == [
            ("user", "Build the thing")
        ]
        assert len(await list_sessions_from_store(store, cwd)) == 3
        with pytest.raises(ValueError, match="no message"):
            await fork_session_via_store(store, S1, cwd, up_to_message_id=S2)
        with pytest.raises(SessionNotFoundError):
            await fork_session_via_store(store, S2, cwd)

        await delete_session_via_store(store, S1, cwd)
        assert await get_session_messages_from_store(store, S1, cwd) == []
        assert await list_subagents_from_store(store, S1, cwd) == []
        assert {i.session_id for i in await list_sessions_from_store(store, cwd, limit=5)} == {
            fork.session_id,
            short.session_id,
        }

    run(main)


def test_import_leaves_out_a_torn_last_line(
    cwd: str, config: Path, run: Runner, make_store: MakeStore
) -> None:
    """The CLI may be writing the transcript while it is imported: its cut last line waits."""
    path = _session(cwd, config)
    whole = path.read_bytes().count(b"\n")
    with path.open("ab") as f:
        f.write(b'{"type": "user", "uuid": "half-writ')
    store = make_store("memory")

    async def main() -> None:
        await import_session_to_store(S1, store, directory=cwd, include_subagents=False)
        key = {"project_key": ccsdk.project_key_for_directory(cwd), "session_id": S1}
        assert len(store.get_entries(key)) == whole
        assert await list_subagents_from_store(store, S1, cwd) == []

    run(main)


def test_the_imported_subagent_keeps_its_metadata(
    cwd: str, config: Path, run: Runner, make_store: MakeStore
) -> None:
    _session(cwd, config)
    store = make_store("memory")

    async def main() -> None:
        await import_session_to_store(S1, store)
        key = {
            "project_key": ccsdk.project_key_for_directory(cwd),
            "session_id": S1,
            "subpath": "subagents/workflows/run1/agent-a2",
        }
        last = store.get_entries(key)[-1]
        assert last == {"toolUseId": "t2", "parentAgentId": "a1", "type": "agent_metadata"}

    run(main)


def test_bad_input_to_the_store_functions(run: Runner, cwd: str, config: Path) -> None:
    store = ccsdk.InMemorySessionStore()

    class NoListing:
        async def append(self, key: Any, entries: Any) -> None: ...

        async def load(self, key: Any) -> Any:
            return None

    async def main() -> None:
        with pytest.raises(ValueError, match="UUID"):
            await get_session_messages_from_store(store, "not-a-uuid", cwd)
        with pytest.raises(ValueError, match="UUID"):
            await rename_session_via_store(store, "../x", "t", cwd)
        with pytest.raises(ValueError, match="empty"):
            await rename_session_via_store(store, S1, "   ", cwd)
        with pytest.raises(ValueError, match="limit"):
            await get_session_messages_from_store(store, S1, cwd, -1)
        with pytest.raises(SessionNotFoundError):
            await import_session_to_store(S2, store, directory=cwd)
        with pytest.raises(ValueError, match="cannot list sessions"):
            await list_sessions_from_store(NoListing(), cwd)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="list_subkeys"):
            await list_subagents_from_store(NoListing(), S1, cwd)  # type: ignore[arg-type]
        await delete_session_via_store(NoListing(), S1, cwd)  # type: ignore[arg-type]
        assert await get_session_info_from_store(store, S1, cwd) is None

    run(main)


def test_listing_loads_the_sessions_without_a_fresh_summary(
    run: Runner, cwd: str, config: Path
) -> None:
    """A summary older than the session's last write is read again from the transcript."""
    store = ccsdk.InMemorySessionStore()
    key = {"project_key": ccsdk.project_key_for_directory(cwd), "session_id": S1}
    entry = {"type": "user", "uuid": "u", "message": {"content": "first words"}}

    async def main() -> None:
        await store.append(key, [orjson.loads(orjson.dumps(entry))])  # type: ignore[arg-type]
        store._summaries[(key["project_key"], S1)]["mtime"] -= 10  # stale
        [info] = await list_sessions_from_store(store, cwd)
        assert (info.summary, info.file_size) == ("first words", len(orjson.dumps(entry)) + 1)

    run(main)
