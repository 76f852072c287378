"""Session stores end to end: the real CLI against the FakeModel, mirrored and resumed.

"Machine A" and "machine B" are two scratch ``HOME`` directories (the CLI's
config directory is ``$HOME/.claude``): a conversation runs on A with a
store; A's directories are deleted; B resumes the conversation from the
store alone, and the model's next request carries the whole conversation.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest

from ccsdk import (
    AssistantMessage,
    ClaudeAgentOptions,
    ClaudeSDKClient,
    Message,
    MirrorErrorMessage,
    ResultMessage,
    SessionKey,
    TaskStartedMessage,
    TextBlock,
    UnknownMessage,
    get_subagent_messages_from_store,
    list_subagents_from_store,
    open_session,
    project_key_for_directory,
    query,
)
from ccsdk.testing import FakeModel, Turn, text, tool_use
from tests.conftest import Runner

pytestmark = pytest.mark.e2e

STORES = ["memory", "sqlite", "postgres", "redis", "s3"]


def conversation(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(role, text) for every text the model was shown, system reminders left out."""
    out = []
    for message in body["messages"]:
        if message["role"] not in ("user", "assistant"):
            continue
        content = message["content"]
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        for block in blocks:
            if block.get("type") == "text" and not block["text"].startswith("<system-reminder>"):
                out.append((message["role"], block["text"]))
    return out


def texts(messages: list[Message]) -> list[str]:
    return [
        b.text
        for m in messages
        if isinstance(m, AssistantMessage)
        for b in m.content
        if isinstance(b, TextBlock)
    ]


class Machine:
    """A scratch HOME for one "machine"; the working directory is shared by name."""

    def __init__(self, root: Path, name: str, work: Path) -> None:
        self.home = root / name
        self.home.mkdir()
        self.work = work

    def options(self, cli_path: Path, fake_model: FakeModel, **kwargs: Any) -> ClaudeAgentOptions:
        return ClaudeAgentOptions(
            cli_path=str(cli_path),
            env=fake_model.env(home=str(self.home)),
            cwd=str(self.work),
            **kwargs,
        )


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


@pytest.mark.parametrize("kind", STORES)
def test_a_session_mirrored_on_machine_a_resumes_on_machine_b(
    run: Runner,
    fake_model: FakeModel,
    cli_path: Path,
    tmp_path: Path,
    work: Path,
    make_store: Callable[[str], Any],
    kind: str,
) -> None:
    store = make_store(kind)
    fake_model.add_turns(
        Turn([text("Hello Ada.")]), Turn([text("Noted: blue.")]), Turn([text("Ada, blue.")])
    )
    a = Machine(tmp_path, "a", work)

    async def on_a() -> tuple[str, list[Message]]:
        seen: list[Message] = []
        async with ClaudeSDKClient(a.options(cli_path, fake_model, session_store=store)) as c:
            await c.query("My name is Ada.")
            seen += [m async for m in c.receive_response()]
            await c.query("My favourite colour is blue.")
            seen += [m async for m in c.receive_response()]
        result = seen[-1]
        assert isinstance(result, ResultMessage)
        return result.session_id, seen

    session_id, seen = run(on_a)
    assert texts(seen) == ["Hello Ada.", "Noted: blue."]
    # The frames are the store's, never the consumer's.
    assert not any(isinstance(m, UnknownMessage | MirrorErrorMessage) for m in seen)
    key: SessionKey = {"project_key": project_key_for_directory(work), "session_id": session_id}
    stored = run(lambda: store.load(key))
    assert stored and any(e.get("type") == "assistant" for e in stored)
    # The whole transcript, up to the lines the CLI writes as it exits; CLI
    # 2.1.331 does not mirror its api-request* debugging lines.
    transcript = a.home / ".claude" / "projects" / key["project_key"] / f"{session_id}.jsonl"
    on_disk = [json.loads(line) for line in transcript.read_text().splitlines()]
    assert stored == [e for e in on_disk if not e["type"].startswith("api-request")]
    assert stored[-1]["type"] == "cost-state"

    shutil.rmtree(a.home)  # machine A is gone
    b = Machine(tmp_path, "b", work)

    async def on_b() -> list[Message]:
        options = b.options(cli_path, fake_model, session_store=store, resume=session_id)
        async with ClaudeSDKClient(options) as c:
            await c.query("What do you know about me?")
            return [m async for m in c.receive_response()]

    resumed = run(on_b)
    assert texts(resumed) == ["Ada, blue."]
    assert resumed[-1].session_id == session_id
    assert conversation(fake_model.turn_requests[-1])[-5:] == [
        ("user", "My name is Ada."),
        ("assistant", "Hello Ada."),
        ("user", "My favourite colour is blue."),
        ("assistant", "Noted: blue."),
        ("user", "What do you know about me?"),
    ]
    # Machine B's turn is mirrored too, under the same session.
    after = run(lambda: store.load(key))
    assert len(after) > len(stored)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_continue_conversation_from_a_store_with_query(
    run: Runner,
    fake_model: FakeModel,
    cli_path: Path,
    tmp_path: Path,
    work: Path,
    make_store: Callable[[str], Any],
    kind: str,
) -> None:
    store = make_store(kind)
    fake_model.add_turns(Turn([text("Seven.")]), Turn([text("You said seven.")]))
    a = Machine(tmp_path, "a", work)

    async def on_a() -> list[Message]:
        opts = a.options(cli_path, fake_model, session_store=store)
        return [m async for m in query(prompt="Remember the number seven.", options=opts)]

    first = run(on_a)
    assert texts(first) == ["Seven."]
    shutil.rmtree(a.home)
    b = Machine(tmp_path, "b", work)

    async def on_b() -> list[Message]:
        opts = b.options(cli_path, fake_model, session_store=store, continue_conversation=True)
        return [m async for m in query(prompt="Which number?", options=opts)]

    second = run(on_b)
    assert texts(second) == ["You said seven."]
    assert second[-1].session_id == first[-1].session_id
    assert conversation(fake_model.turn_requests[-1])[-3:] == [
        ("user", "Remember the number seven."),
        ("assistant", "Seven."),
        ("user", "Which number?"),
    ]


class FailingStore:
    """A store whose every append raises."""

    def __init__(self) -> None:
        self.calls = 0

    async def append(self, key: SessionKey, entries: list[Any]) -> None:
        self.calls += 1
        raise ConnectionError("the database is down")

    async def load(self, key: SessionKey) -> list[Any] | None:
        return None


@pytest.mark.parametrize("flush", ["batched", "eager"])
def test_a_store_that_raises_gives_mirror_errors_and_the_conversation_goes_on(
    run: Runner,
    fake_model: FakeModel,
    cli_path: Path,
    tmp_path: Path,
    work: Path,
    flush: str,
) -> None:
    store = FailingStore()
    fake_model.add_turns(Turn([text("One.")]), Turn([text("Two.")]))
    a = Machine(tmp_path, "a", work)

    async def main() -> tuple[list[Message], list[MirrorErrorMessage]]:
        options = a.options(cli_path, fake_model, session_store=store, session_store_flush=flush)
        seen: list[Message] = []
        errors: list[MirrorErrorMessage] = []
        async with ClaudeSDKClient(options) as c:
            await c.query("first")
            seen += [m async for m in c.receive_response()]
            await c.query("second")
            async for m in c.receive_response():
                seen.append(m)
            # The failed appends (retried first) arrive after the result.
            with anyio.move_on_after(30):
                async for m in c.receive_messages():
                    if isinstance(m, MirrorErrorMessage):
                        errors.append(m)
                        break
        errors += [m for m in seen if isinstance(m, MirrorErrorMessage)]
        return seen, errors

    seen, errors = run(main)
    assert texts(seen) == ["One.", "Two."]
    assert errors, "no mirror_error message"
    error = errors[0]
    assert error.subtype == "mirror_error"
    assert "the database is down" in error.error
    assert error.key is not None and error.key["project_key"] == project_key_for_directory(work)
    assert store.calls >= 3  # retried before giving up


class HangingStore:
    """A store whose every append hangs."""

    async def append(self, key: SessionKey, entries: list[Any]) -> None:
        await anyio.sleep_forever()

    async def load(self, key: SessionKey) -> list[Any] | None:
        return None


def test_a_store_that_hangs_holds_back_neither_the_messages_nor_the_close(
    run: Runner, fake_model: FakeModel, cli_path: Path, tmp_path: Path, work: Path
) -> None:
    fake_model.add_turns(Turn([text("One.")]), Turn([text("Two.")]))
    a = Machine(tmp_path, "a", work)

    async def main() -> tuple[list[Message], float]:
        options = a.options(
            cli_path,
            fake_model,
            session_store=HangingStore(),
            session_store_flush="eager",
            close_timeout=1.0,
        )
        seen: list[Message] = []
        async with ClaudeSDKClient(options) as c:
            await c.query("first")
            seen += [m async for m in c.receive_response()]
            await c.query("second")
            seen += [m async for m in c.receive_response()]
            started = anyio.current_time()
        return seen, anyio.current_time() - started

    seen, closing = run(main)
    assert texts(seen) == ["One.", "Two."]
    # The pending writes get close_timeout, then the CLI's own teardown.
    assert closing < 10


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_open_session_mirrors_in_its_nursery_and_a_fork_resumes_from_the_store(
    run: Runner,
    fake_model: FakeModel,
    cli_path: Path,
    tmp_path: Path,
    work: Path,
    make_store: Callable[[str], Any],
    kind: str,
) -> None:
    store = make_store(kind)
    fake_model.add_turns(Turn([text("Forty-two.")]), Turn([text("Still 42.")]))
    a = Machine(tmp_path, "a", work)

    async def on_a() -> str:
        options = a.options(cli_path, fake_model, session_store=store)
        async with open_session(options) as session:
            await session.send("The answer is 42.")
            with anyio.fail_after(30):
                messages = [m async for m in session.receive_response()]
        assert texts(messages) == ["Forty-two."]
        result = messages[-1]
        assert isinstance(result, ResultMessage)
        return result.session_id

    original = run(on_a)
    shutil.rmtree(a.home)
    b = Machine(tmp_path, "b", work)

    async def on_b() -> str:
        options = b.options(
            cli_path, fake_model, session_store=store, resume=original, fork_session=True
        )
        async with open_session(options) as session:
            await session.send("And now?")
            with anyio.fail_after(30):
                messages = [m async for m in session.receive_response()]
        assert texts(messages) == ["Still 42."]
        result = messages[-1]
        assert isinstance(result, ResultMessage)
        return result.session_id

    fork = run(on_b)
    assert fork != original
    assert conversation(fake_model.turn_requests[-1])[-3:] == [
        ("user", "The answer is 42."),
        ("assistant", "Forty-two."),
        ("user", "And now?"),
    ]
    project = project_key_for_directory(work)
    forked = run(lambda: store.load({"project_key": project, "session_id": fork}))
    assert forked and any(e.get("type") == "assistant" for e in forked)


def _start_redis(port: int, data: Path) -> subprocess.Popen[bytes]:
    """A redis-server on loopback that writes every change to its append-only file."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed: run scripts/test.sh")
    proc = subprocess.Popen(
        [
            server,
            "--bind", "127.0.0.1",
            "--port", str(port),
            "--save", "",
            "--appendonly", "yes",
            "--appendfsync", "always",
            "--dir", str(data),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"redis-server did not start on 127.0.0.1:{port}")
            time.sleep(0.05)
    client.close()
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_a_redis_server_stopped_mid_run_gives_mirror_errors_and_loses_nothing_acknowledged(
    run: Runner, fake_model: FakeModel, cli_path: Path, tmp_path: Path, work: Path
) -> None:
    from ccsdk import RedisSessionStore

    fake_model.add_turns(Turn([text("One.")]), Turn([text("Two.")]))
    data = tmp_path / "redis"
    data.mkdir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"redis://127.0.0.1:{port}/0"
    proc = _start_redis(port, data)
    a = Machine(tmp_path, "a", work)
    try:

        async def main() -> tuple[list[Message], list[MirrorErrorMessage], list[Any], str]:
            store = RedisSessionStore(url)
            seen: list[Message] = []
            errors: list[MirrorErrorMessage] = []
            options = a.options(cli_path, fake_model, session_store=store, close_timeout=2.0)
            async with ClaudeSDKClient(options) as c:
                await c.query("first")
                seen += [m async for m in c.receive_response()]
                result = seen[-1]
                assert isinstance(result, ResultMessage)
                sid = result.session_id
                key: SessionKey = {
                    "project_key": project_key_for_directory(work),
                    "session_id": sid,
                }
                for _ in range(600):  # until the store acknowledged turn 1 (30 s at most)
                    if any(e.get("type") == "assistant" for e in await store.load(key) or []):
                        break
                    await anyio.sleep(0.05)
                acknowledged = list(await store.load(key) or [])
                await anyio.to_thread.run_sync(_stop, proc)  # the server goes away
                await c.query("second")
                seen += [m async for m in c.receive_response()]
                with anyio.move_on_after(30):
                    async for m in c.receive_messages():
                        if isinstance(m, MirrorErrorMessage):
                            errors.append(m)
                            break
            await store.aclose()
            return seen, errors, acknowledged, sid

        seen, errors, acknowledged, sid = run(main)
        assert texts(seen) == ["One.", "Two."]  # the conversation went on
        assert errors and errors[0].key is not None and errors[0].key["session_id"] == sid
        proc = _start_redis(port, data)  # back, from its append-only file

        async def reload() -> list[Any]:
            store = RedisSessionStore(url)
            try:
                key: SessionKey = {
                    "project_key": project_key_for_directory(work),
                    "session_id": sid,
                }
                return list(await store.load(key) or [])
            finally:
                await store.aclose()

        after = run(reload)
        assert after[: len(acknowledged)] == acknowledged  # nothing acknowledged was lost
    finally:
        _stop(proc)


class _Cluster:
    """A PostgreSQL cluster of this test's own, in a temp dir, on a unix socket only.

    Its settings are PostgreSQL's durable defaults (``fsync``,
    ``synchronous_commit``): a commit the store saw acknowledged is on disk.
    """

    def __init__(self) -> None:
        from tests.stores.conftest import _pg_program

        self.pg_ctl = _pg_program("pg_ctl")
        self.base = Path(tempfile.mkdtemp(prefix="ccsdk-pgfault-"))
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            user = "postgres"
            try:
                pwd.getpwnam(user)
            except KeyError:
                user = "nobody"
            self.prefix = ["runuser", "-u", user, "--"]
            owner = pwd.getpwnam(user)
            os.chmod(self.base, 0o755)
            os.chown(self.base, owner.pw_uid, owner.pw_gid)
        self.data, self.sock = self.base / "data", self.base / "sock"
        subprocess.run([*self.prefix, "mkdir", "-m", "700", str(self.sock)], check=True)
        subprocess.run(
            [
                *self.prefix, _pg_program("initdb"), "-D", str(self.data), "-U", "ccsdk",
                "-A", "trust", "--no-sync", "-E", "UTF8",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.conninfo = f"host={self.sock} port=5432 user=ccsdk dbname=postgres"

    def start(self) -> None:
        opts = f"-c listen_addresses='' -k {self.sock} -p 5432 -c shared_buffers=16MB"
        subprocess.run(
            [
                *self.prefix, self.pg_ctl, "-D", str(self.data), "-l", str(self.base / "log"),
                "-o", opts, "-w", "-t", "60", "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            [*self.prefix, self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


def _stopped_after_turn_one(
    run: Runner,
    fake_model: FakeModel,
    cli_path: Path,
    machine: Machine,
    new_store: Callable[[], Any],
    stop: Callable[[], None],
) -> tuple[list[Any], str]:
    """Two turns mirrored to a new store; ``stop`` takes its server away between them.

    Checks that the conversation went on and that a ``MirrorErrorMessage``
    came; returns what the store acknowledged before the stop, and the session id.
    """
    fake_model.add_turns(Turn([text("One.")]), Turn([text("Two.")]))

    async def main() -> tuple[list[Message], list[MirrorErrorMessage], list[Any], str]:
        store = new_store()
        seen: list[Message] = []
        errors: list[MirrorErrorMessage] = []
        options = machine.options(cli_path, fake_model, session_store=store, close_timeout=2.0)
        async with ClaudeSDKClient(options) as c:
            await c.query("first")
            seen += [m async for m in c.receive_response()]
            result = seen[-1]
            assert isinstance(result, ResultMessage)
            sid = result.session_id
            key: SessionKey = {
                "project_key": project_key_for_directory(machine.work),
                "session_id": sid,
            }
            for _ in range(600):  # until the store acknowledged turn 1 (30 s at most)
                if any(e.get("type") == "assistant" for e in await store.load(key) or []):
                    break
                await anyio.sleep(0.05)
            acknowledged = list(await store.load(key) or [])
            await anyio.to_thread.run_sync(stop)  # the server goes away
            await c.query("second")
            seen += [m async for m in c.receive_response()]
            with anyio.move_on_after(30):
                async for m in c.receive_messages():
                    if isinstance(m, MirrorErrorMessage):
                        errors.append(m)
                        break
        if hasattr(store, "aclose"):
            await store.aclose()
        return seen, errors, acknowledged, sid

    seen, errors, acknowledged, sid = run(main)
    assert texts(seen) == ["One.", "Two."]  # the conversation went on
    assert errors and errors[0].key is not None and errors[0].key["session_id"] == sid
    assert any(e.get("type") == "assistant" for e in acknowledged)
    return acknowledged, sid


def _reload(run: Runner, new_store: Callable[[], Any], work: Path, sid: str) -> list[Any]:
    """The session's entries, read by a new store (the server is back)."""

    async def reload() -> list[Any]:
        store = new_store()
        try:
            key: SessionKey = {"project_key": project_key_for_directory(work), "session_id": sid}
            return list(await store.load(key) or [])
        finally:
            if hasattr(store, "aclose"):
                await store.aclose()

    return run(reload)


def test_a_postgres_server_stopped_mid_run_gives_mirror_errors_and_loses_nothing_acknowledged(
    run: Runner, fake_model: FakeModel, cli_path: Path, tmp_path: Path, work: Path
) -> None:
    from ccsdk import PostgresSessionStore

    cluster = _Cluster()
    try:
        cluster.start()

        def new_store() -> PostgresSessionStore:
            return PostgresSessionStore(cluster.conninfo)

        a = Machine(tmp_path, "a", work)
        acknowledged, sid = _stopped_after_turn_one(
            run, fake_model, cli_path, a, new_store, cluster.stop
        )
        cluster.start()  # back, from its data directory
        after = _reload(run, new_store, work, sid)
        assert after[: len(acknowledged)] == acknowledged  # nothing acknowledged was lost
    finally:
        cluster.remove()


def test_an_s3_endpoint_stopped_mid_run_gives_mirror_errors_and_loses_nothing_acknowledged(
    run: Runner, fake_model: FakeModel, cli_path: Path, tmp_path: Path, work: Path
) -> None:
    """moto's server of this test's own, stopped, then a new one started on the same port.

    What this shows: the store's calls against an endpoint that refuses
    connections, and that the store reads everything it had acknowledged
    from a server on the same endpoint afterwards. What it cannot show: S3's
    durability. moto keeps its buckets in this test process's memory (its
    backends are module globals), not in the server thread, so they outlive
    the stopped server; a real S3 outage would be the service's to survive.
    """
    import boto3
    from moto.server import ThreadedMotoServer

    from ccsdk import S3SessionStore

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    kwargs: dict[str, Any] = {
        "endpoint_url": f"http://127.0.0.1:{port}",
        "region_name": "us-east-1",
        "aws_access_key_id": "ccsdk-test",
        "aws_secret_access_key": "ccsdk-test",
    }
    bucket = f"ccsdk-fault-{os.getpid()}-{port}"
    servers = [ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)]
    servers[0].start()
    try:
        boto3.client("s3", **kwargs).create_bucket(Bucket=bucket)

        def new_store() -> S3SessionStore:
            return S3SessionStore(bucket, prefix="fault/", **kwargs)

        a = Machine(tmp_path, "a", work)
        acknowledged, sid = _stopped_after_turn_one(
            run, fake_model, cli_path, a, new_store, servers[-1].stop
        )
        servers.append(ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False))
        servers[-1].start()  # a new server on the same endpoint
        after = _reload(run, new_store, work, sid)
        assert after[: len(acknowledged)] == acknowledged  # nothing acknowledged was lost
    finally:
        servers[-1].stop()


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_a_subagent_transcript_is_mirrored_and_resumed_on_machine_b(
    run: Runner,
    fake_model: FakeModel,
    cli_path: Path,
    tmp_path: Path,
    work: Path,
    make_store: Callable[[str], Any],
    kind: str,
) -> None:
    """A foreground Task call on A: the subagent's transcript goes to the store
    under ``subagents/agent-<id>``, and B's CLI finds it in its config directory."""
    store = make_store(kind)
    task_call = {
        "description": "look around",
        "prompt": "Say hi",
        "subagent_type": "general-purpose",
        "run_in_background": False,
    }
    look = 'grep -l "sub says hi" "$CLAUDE_CONFIG_DIR"/projects/*/*/subagents/agent-*.jsonl'
    fake_model.add_turns(
        Turn([tool_use("Task", task_call, id="toolu_task")]),  # A, main: start the subagent
        Turn([text("sub says hi")]),  # A, the subagent: its report
        Turn([text("main done")]),  # A, main again
        Turn([tool_use("Bash", {"command": look}, id="toolu_look")]),  # B: look on disk
        Turn([text("found it")]),  # B
    )
    a = Machine(tmp_path, "a", work)

    async def on_a() -> list[Message]:
        options = a.options(
            cli_path, fake_model, session_store=store, allowed_tools=["Task", "Bash"]
        )
        async with ClaudeSDKClient(options) as c:
            await c.query("Send a subagent.")
            return [m async for m in c.receive_response()]

    seen = run(on_a)
    (started,) = [m for m in seen if isinstance(m, TaskStartedMessage)]
    result = seen[-1]
    assert isinstance(result, ResultMessage) and result.result == "main done"
    sid = result.session_id
    assert not any(isinstance(m, MirrorErrorMessage) for m in seen)

    ids = run(lambda: list_subagents_from_store(store, sid, directory=str(work)))
    assert len(ids) == 1
    agent_id = ids[0]
    key: SessionKey = {"project_key": project_key_for_directory(work), "session_id": sid}
    assert run(lambda: store.list_subkeys(key)) == [f"subagents/agent-{agent_id}"]
    sub = run(lambda: get_subagent_messages_from_store(store, sid, agent_id, str(work)))
    assert [m.type for m in sub][-1] == "assistant"
    assert sub[-1].message["content"][0]["text"] == "sub says hi"
    assert sub[-1].parent_tool_use_id == "toolu_task"
    assert started.tool_use_id == "toolu_task"

    shutil.rmtree(a.home)  # machine A is gone
    b = Machine(tmp_path, "b", work)

    async def on_b() -> list[Message]:
        options = b.options(
            cli_path, fake_model, session_store=store, resume=sid, allowed_tools=["Bash"]
        )
        async with ClaudeSDKClient(options) as c:
            await c.query("Where is the subagent's transcript?")
            return [m async for m in c.receive_response()]

    resumed = run(on_b)
    assert texts(resumed) == ["found it"]
    # The Bash call ran in B's CLI, against the config directory the store was loaded into.
    looked = json.dumps(fake_model.turn_requests[-1]["messages"][-1])
    assert f"/{sid}/subagents/agent-{agent_id}.jsonl" in looked, looked
    assert "/ccsdk-resume-" in looked and str(tmp_path) not in looked  # not A's, nor B's HOME
