"""The session store's writer (ccsdk.runtime._mirror), without a CLI: batching,
coalescing behind a slow store, the buffer's bound, failures, a hanging store at close."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import anyio
import anyio.abc
import pytest

from ccsdk import InMemorySessionStore, SessionKey, project_key_for_directory
from ccsdk.runtime._mirror import TranscriptMirror, key_for_path, materialize
from tests.conftest import Runner

PROJECTS = "/cfg/projects"
SID = "0b0b0b0b-0000-4000-8000-000000000001"
MAIN = f"{PROJECTS}/-work/{SID}.jsonl"
AGENT = f"{PROJECTS}/-work/{SID}/subagents/agent-7.jsonl"


def entry(n: int) -> Any:
    return {"type": "user", "uuid": f"u{n}", "message": {"content": str(n)}}


def test_key_for_path() -> None:
    assert key_for_path(MAIN, PROJECTS) == {"project_key": "-work", "session_id": SID}
    assert key_for_path(AGENT, PROJECTS) == {
        "project_key": "-work",
        "session_id": SID,
        "subpath": "subagents/agent-7",
    }
    # Under another config directory: placed by its last "projects" component.
    assert key_for_path(f"/x/projects/-w/{SID}.jsonl", PROJECTS) == {
        "project_key": "-w",
        "session_id": SID,
    }
    assert key_for_path("/elsewhere/notes.txt", PROJECTS) is None
    assert key_for_path(f"{PROJECTS}/-work", PROJECTS) is None


class Recording(InMemorySessionStore):
    """Counts appends; each waits for ``gate`` when one is set."""

    def __init__(self) -> None:
        super().__init__()
        self.appends: list[tuple[SessionKey, int]] = []
        self.gate: anyio.Event | None = None

    async def append(self, key: SessionKey, entries: list[Any]) -> None:
        if self.gate is not None:
            await self.gate.wait()
        self.appends.append((key, len(entries)))
        await super().append(key, entries)


def make(
    store: Any, tg: anyio.abc.TaskGroup | None, errors: list[tuple[Any, str]], **kw: Any
) -> TranscriptMirror:
    return TranscriptMirror(
        store=store,
        projects_dir=PROJECTS,
        host=lambda: tg,
        report=lambda key, error: errors.append((key, error)),
        **kw,
    )


def test_batched_writes_one_append_per_file_at_the_result(run: Runner) -> None:
    store = Recording()
    errors: list[tuple[Any, str]] = []

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            mirror = make(store, tg, errors)
            mirror.enqueue(MAIN, [entry(1)])
            mirror.enqueue(AGENT, [entry(2)])
            mirror.enqueue(MAIN, [entry(3), entry(4)])
            await anyio.sleep(0.01)
            assert store.appends == []  # nothing before the result
            mirror.flush_soon()  # the result
            await mirror.close(5)

    run(main)
    assert [n for _, n in store.appends] == [3, 1]
    assert errors == []


def test_a_slow_store_holds_back_only_its_own_writes(run: Runner) -> None:
    store = Recording()
    store.gate = anyio.Event()
    errors: list[tuple[Any, str]] = []

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            mirror = make(store, tg, errors, eager=True)
            mirror.enqueue(MAIN, [entry(0)])  # in flight, held at the gate
            await anyio.sleep(0.01)
            for n in range(1, 50):  # never waits: they gather behind it
                mirror.enqueue(MAIN, [entry(n)])
            assert mirror.pending_entries == 49
            assert store.gate is not None
            store.gate.set()
            await mirror.close(5)

    run(main)
    # Coalesced: the 49 frames written behind the slow one make one append.
    assert [n for _, n in store.appends] == [1, 49]


def test_the_buffer_is_bounded_behind_a_stuck_store(run: Runner) -> None:
    store = Recording()
    store.gate = anyio.Event()  # never set
    errors: list[tuple[Any, str]] = []

    async def main() -> TranscriptMirror:
        async with anyio.create_task_group() as tg:
            mirror = make(store, tg, errors, eager=True, hard_max_entries=10)
            for n in range(30):
                mirror.enqueue(MAIN, [entry(n)])
            assert mirror.pending_entries <= 10
            await mirror.close(0.2)  # bounded, though the store hangs
        return mirror

    mirror = run(main)
    assert errors and "dropped" in errors[0][1]
    assert errors[0][0] == {"project_key": "-work", "session_id": SID}
    assert mirror.written == 0 and mirror.lost == 30


class Raising(InMemorySessionStore):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    async def append(self, key: SessionKey, entries: list[Any]) -> None:
        self.calls += 1
        raise OSError("disk full")


def test_a_failed_append_is_retried_then_reported(
    run: Runner, caplog: pytest.LogCaptureFixture
) -> None:
    store = Raising()
    errors: list[tuple[Any, str]] = []

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            mirror = make(store, tg, errors, retry_delays=(0.0, 0.0))
            mirror.enqueue(MAIN, [entry(1)])
            mirror.flush_soon()
            await mirror.close(5)

    with caplog.at_level(logging.ERROR, logger="ccsdk"):
        run(main)
    assert store.calls == 3
    assert errors == [({"project_key": "-work", "session_id": SID}, "OSError: disk full")]
    assert "not written" in caplog.text


class Hanging(InMemorySessionStore):
    async def append(self, key: SessionKey, entries: list[Any]) -> None:
        await anyio.sleep_forever()


def test_a_hanging_append_times_out_and_is_not_retried(run: Runner) -> None:
    errors: list[tuple[Any, str]] = []

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            mirror = make(Hanging(), tg, errors, send_timeout=0.05)
            mirror.enqueue(MAIN, [entry(1)])
            mirror.flush_soon()
            with anyio.fail_after(5):
                await mirror.close(5)

    run(main)
    assert len(errors) == 1 and "timed out" in errors[0][1]


def test_close_with_no_host_writes_what_is_pending(run: Runner) -> None:
    store = Recording()

    async def main() -> None:
        mirror = make(store, None, [])
        mirror.enqueue(MAIN, [entry(1), entry(2)])
        mirror.flush_soon()  # no group at hand: waits for close()
        assert store.appends == []
        await mirror.close(5)

    run(main)
    assert [n for _, n in store.appends] == [2]


def test_materialize_lays_out_the_session_and_its_subagents(run: Runner, tmp_path: Path) -> None:
    store = InMemorySessionStore()
    work = tmp_path / "work"
    work.mkdir()

    project = project_key_for_directory(work)
    agent: Any = {"project_key": project, "session_id": SID, "subpath": "subagents/agent-7"}

    async def main() -> tuple[Any, Any, Any]:
        await store.append({"project_key": project, "session_id": SID}, [entry(1)])
        meta: Any = {"type": "agent_metadata", "agentType": "general"}
        await store.append(agent, [entry(2), meta])
        done = await materialize(
            store,
            cwd=str(work),
            resume=SID,
            continue_conversation=False,
            env={"HOME": str(tmp_path / "nohome")},
            load_timeout_ms=5000,
        )
        assert done is not None and done.session_id == SID
        base = Path(done.config_dir, "projects", project)
        texts = [
            await anyio.Path(base / name).read_text()
            for name in (
                f"{SID}.jsonl",
                f"{SID}/subagents/agent-7.jsonl",
                f"{SID}/subagents/agent-7.meta.json",
            )
        ]
        await done.remove()
        # A resume that is not a UUID: nothing to load.
        nothing = await materialize(
            store,
            cwd=str(work),
            resume="not-a-uuid",
            continue_conversation=False,
            env={},
            load_timeout_ms=5000,
        )
        return done.config_dir, texts, nothing

    config_dir, (main_file, agent_file, meta), nothing = run(main)
    assert not Path(config_dir).exists()  # removed
    assert nothing is None
    assert '"uuid":"u1"' in main_file
    assert agent_file.count("\n") == 1 and '"uuid":"u2"' in agent_file
    assert meta == '{"agentType": "general"}'


class SlowLoad(InMemorySessionStore):
    async def load(self, key: SessionKey) -> list[Any] | None:
        await anyio.sleep_forever()
        return None


def test_a_load_past_load_timeout_ms_is_a_runtime_error(run: Runner) -> None:
    async def main() -> None:
        await materialize(
            SlowLoad(),
            cwd=None,
            resume=SID,
            continue_conversation=False,
            env={},
            load_timeout_ms=50,
        )

    with pytest.raises(RuntimeError, match="timed out after 50 ms"):
        run(main)


def test_a_resume_whose_cli_fails_to_start_leaves_no_temporary_directory(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccsdk import ClaudeAgentOptions, ClaudeSDKClient, CLINotFoundError, open_session, query

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    store = InMemorySessionStore()
    options = ClaudeAgentOptions(
        cli_path=str(tmp_path / "no-such-claude"),
        cwd=str(tmp_path),
        session_store=store,
        resume=SID,
    )

    async def main() -> None:
        key: Any = {"project_key": project_key_for_directory(tmp_path), "session_id": SID}
        await store.append(key, [entry(1)])
        with pytest.raises(CLINotFoundError):
            await ClaudeSDKClient(options).connect()
        with pytest.raises(CLINotFoundError):
            async for _ in query(prompt="hi", options=options):
                pass
        with pytest.raises(CLINotFoundError):
            async with open_session(options):
                pass

    run(main)
    assert list(scratch.iterdir()) == []
