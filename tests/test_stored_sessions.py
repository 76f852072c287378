"""Sessions on disk: listing, reading, forking, renaming, tagging and deleting transcripts.

Unit tests write transcripts by hand in the layout the CLI 2.1.331 uses; the
end-to-end tests let the real CLI write them (against the FakeModel) and
then make it resume what ccsdk changed.
"""

from __future__ import annotations

import itertools
import logging
import os
import stat
import subprocess
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import orjson
import pytest

from ccsdk import (
    AssistantMessage,
    ClaudeCodeOptions,
    ClaudeSDKClient,
    Message,
    ProcessError,
    ResultMessage,
    SessionInfo,
    SessionMessage,
    SessionNotFoundError,
    TextBlock,
    ToolResultBlock,
    ToolUseBlock,
    UserMessage,
    delete_session,
    fork_session,
    get_session_info,
    get_session_messages,
    list_sessions,
    query,
    rename_session,
    session_files,
    tag_session,
    transcript,
)
from ccsdk.testing import FakeModel, Turn, text, tool_use
from ccsdk.transcript import project_dir_name
from tests.conftest import Runner

# --------------------------------------------------------------------------
# Hand-written transcripts, in the CLI's layout
# --------------------------------------------------------------------------

S1 = "11111111-1111-4111-8111-111111111111"
S2 = "22222222-2222-4222-8222-222222222222"
S3 = "33333333-3333-4333-8333-333333333333"
MISSING = "99999999-9999-4999-8999-999999999999"


class Transcript:
    """Builds transcript lines the way the CLI writes them: chained by parentUuid."""

    def __init__(self, session_id: str, cwd: str) -> None:
        self.session_id = session_id
        self.cwd = cwd
        self.lines: list[Any] = []
        self.last: str | None = None
        self.n = 0

    def _entry(self, kind: str, message: dict[str, Any], parent: Any, **extra: Any) -> str:
        self.n += 1
        uid = f"{self.n:08d}-0000-4000-8000-{self.session_id[-12:]}"
        self.lines.append(
            {
                "parentUuid": self.last if parent is ... else parent,
                "isSidechain": False,
                "type": kind,
                "message": message,
                "uuid": uid,
                "timestamp": f"2026-01-01T00:00:{self.n:02d}.000Z",
                "cwd": self.cwd,
                "sessionId": self.session_id,
                "gitBranch": "main",
                **extra,
            }
        )
        self.last = uid
        return uid

    def user(self, content: Any, parent: Any = ..., **extra: Any) -> str:
        return self._entry("user", {"role": "user", "content": content}, parent, **extra)

    def assistant(self, *blocks: dict[str, Any], msg: str = "msg_1", parent: Any = ...) -> str:
        message = {"id": msg, "type": "message", "role": "assistant", "model": "claude-x"}
        return self._entry("assistant", {**message, "content": list(blocks)}, parent)

    def attachment(self) -> str:
        self.n += 1
        uid = f"{self.n:08d}-0000-4000-8000-{self.session_id[-12:]}"
        self.lines.append(
            {"parentUuid": self.last, "type": "attachment", "uuid": uid, "attachment": {}}
        )
        self.last = uid
        return uid

    def meta(self, kind: str, **fields: Any) -> None:
        self.lines.append({"type": kind, **fields, "sessionId": self.session_id})

    def raw(self, line: str) -> None:
        self.lines.append(line)

    def write(self, config: Path) -> Path:
        project = config / "projects" / project_dir_name(self.cwd)
        project.mkdir(parents=True, exist_ok=True)
        path = project / f"{self.session_id}.jsonl"
        path.write_bytes(
            b"".join(
                (line.encode() if isinstance(line, str) else orjson.dumps(line)) + b"\n"
                for line in self.lines
            )
        )
        return path


def tb(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def simple(session_id: str, cwd: str, prompt: str = "Hello there") -> Transcript:
    t = Transcript(session_id, cwd)
    t.meta("queue-operation", operation="enqueue", content=prompt)
    t.user(prompt)
    t.attachment()
    t.assistant(tb("Hi!"))
    t.meta("last-prompt", lastPrompt=prompt)
    return t


@pytest.fixture
def cwd(tmp_path: Path) -> str:
    work = tmp_path / "work"
    work.mkdir()
    return os.path.realpath(work)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "config"


def said(messages: list[SessionMessage]) -> list[tuple[str, str]]:
    """(role, what) per message: the text, or the tool call / result ids."""
    out = []
    for m in messages:
        content = m.message.content
        role = "user" if isinstance(m.message, UserMessage) else "assistant"
        if isinstance(content, str):
            out.append((role, content))
            continue
        for block in content:
            if isinstance(block, TextBlock):
                out.append((role, block.text))
            elif isinstance(block, ToolUseBlock):
                out.append((role, f"call {block.id}"))
            elif isinstance(block, ToolResultBlock):
                out.append((role, f"result {block.tool_use_id}"))
    return out


# --------------------------------------------------------------------------
# Where the CLI files a session
# --------------------------------------------------------------------------


def test_project_dir_names_are_the_ones_the_cli_made() -> None:
    # Both names were read off directories the real CLI 2.1.331 created.
    assert project_dir_name("/tmp/ss_explore/run1/work dir.x_y") == (
        "-tmp-ss-explore-run1-work-dir-x-y"
    )
    long_path = (
        "/tmp/ss_explore/run4/cafe\u0301-\U0001f600-" + "x" * 60 + "/long_segment_" + "y" * 70
    ) + ("/" + "z" * 60)
    assert (
        project_dir_name(long_path)
        == (
            "-tmp-ss-explore-run4-cafe-----"
            + "x" * 60
            + "-long-segment-"
            + "y" * 70
            + "-"
            + "z" * 25
        )
        + "-go1jr4"
    )


def test_the_config_dir_is_claude_config_dir_else_home_dot_claude(
    run: Runner, cwd: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    simple(S1, cwd, "in the env's dir").write(tmp_path / "from-env")
    simple(S2, cwd, "in home").write(tmp_path / "home" / ".claude")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "from-env"))
    assert [i.first_prompt for i in run(list_sessions)] == ["in the env's dir"]
    monkeypatch.delenv("CLAUDE_CONFIG_DIR")
    assert [i.first_prompt for i in run(list_sessions)] == ["in home"]

    async def explicit() -> list[SessionInfo]:
        return await list_sessions(config_dir=tmp_path / "from-env")

    assert [i.session_id for i in run(explicit)] == [S1]


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


def every_call(session_id: Any, config: Path) -> list[Callable[[], Awaitable[Any]]]:
    return [
        lambda: get_session_info(session_id, config_dir=config),
        lambda: get_session_messages(session_id, config_dir=config),
        lambda: fork_session(session_id, config_dir=config),
        lambda: rename_session(session_id, "title", config_dir=config),
        lambda: tag_session(session_id, "tag", config_dir=config),
        lambda: delete_session(session_id, config_dir=config),
    ]


class NoDisk:
    """Stands in for ``os`` in session_files: any use of it fails the test."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"os.{name} used")


@pytest.mark.parametrize(
    "bad", ["../x", "", "..", f"{S1}/../{S2}", f"{S1}\n", "not-a-uuid", f"../{S1}"]
)
def test_a_session_id_that_is_not_a_uuid_is_a_value_error_before_any_io(
    run: Runner, config: Path, bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_files, "os", NoDisk())
    for call in every_call(bad, config):
        with pytest.raises(ValueError, match="must be a UUID"):
            run(call)


def test_a_session_id_that_is_not_a_string_is_a_type_error(run: Runner, config: Path) -> None:
    for call in every_call(uuid.UUID(S1), config):
        with pytest.raises(TypeError, match="must be a str"):
            run(call)


def test_an_unknown_session_is_session_not_found(run: Runner, cwd: str, config: Path) -> None:
    simple(S1, cwd).write(config)
    for call in every_call(MISSING, config):
        with pytest.raises(SessionNotFoundError, match=MISSING) as info:
            run(call)
        assert isinstance(info.value, FileNotFoundError)  # as the official SDK raises
        assert info.value.session_id == MISSING


def test_an_unknown_session_in_a_directory_names_the_directory(
    run: Runner, cwd: str, config: Path, tmp_path: Path
) -> None:
    simple(S1, cwd).write(config)
    other = str(tmp_path)

    async def main() -> None:
        await get_session_info(S1, other, config_dir=config)

    with pytest.raises(SessionNotFoundError, match=f"for directory {other}"):
        run(main)


def test_bad_titles_tags_and_pages_are_refused(run: Runner, cwd: str, config: Path) -> None:
    simple(S1, cwd).write(config)
    calls: list[tuple[type[Exception], Callable[[], Awaitable[Any]]]] = [
        (ValueError, lambda: rename_session(S1, "   ", config_dir=config)),
        (TypeError, lambda: rename_session(S1, None, config_dir=config)),  # type: ignore[arg-type]
        (ValueError, lambda: tag_session(S1, "", config_dir=config)),
        (ValueError, lambda: fork_session(S1, title="\n", config_dir=config)),
        (ValueError, lambda: list_sessions(limit=-1, config_dir=config)),
        (ValueError, lambda: list_sessions(offset=-1, config_dir=config)),
        (ValueError, lambda: get_session_messages(S1, limit=True, config_dir=config)),
    ]
    for error, call in calls:
        with pytest.raises(error):
            run(call)
    assert run(lambda: get_session_info(S1, config_dir=config)).title is None


# --------------------------------------------------------------------------
# Listing
# --------------------------------------------------------------------------


def test_listing_shows_each_session_newest_first_with_paging(
    run: Runner, cwd: str, config: Path, tmp_path: Path
) -> None:
    for n, sid in enumerate([S1, S2, S3]):
        path = simple(sid, cwd, f"prompt {n}").write(config)
        os.utime(path, (1_700_000_000 + n, 1_700_000_000 + n))
    elsewhere = os.path.realpath(tmp_path)
    simple(MISSING, elsewhere, "other project").write(config)
    project = config / "projects" / project_dir_name(cwd)
    (project / "notes.jsonl").write_text("{}\n")  # not a session id: ignored
    (project / f"{uuid.uuid4()}.jsonl").write_text("")  # empty: nothing to list
    (project / "memory").mkdir()

    async def main() -> list[list[SessionInfo]]:
        return [
            await list_sessions(cwd, config_dir=config),
            await list_sessions(cwd, limit=2, config_dir=config),
            await list_sessions(cwd, limit=2, offset=2, config_dir=config),
            await list_sessions(cwd, limit=0, config_dir=config),
            await list_sessions(config_dir=config),
            await list_sessions(str(tmp_path / "never-used"), config_dir=config),
        ]

    every, first, second, none, all_projects, unused = run(main)
    assert [i.session_id for i in every] == [S3, S2, S1]
    assert [i.session_id for i in first + second] == [S3, S2, S1]
    assert none == [] and unused == []
    assert {i.session_id for i in all_projects} == {S1, S2, S3, MISSING}
    info = every[0]
    assert info.path == str(project / f"{S3}.jsonl")
    assert (info.cwd, info.first_prompt, info.last_prompt) == (cwd, "prompt 2", "prompt 2")
    assert (info.title, info.tag, info.summary, info.git_branch) == (None, None, "prompt 2", "main")
    assert info.created_at is not None and info.created_at.isoformat().startswith("2026-01-01")
    assert info.modified_at.timestamp() == 1_700_000_002
    assert info.size == (project / f"{S3}.jsonl").stat().st_size


def test_the_first_prompt_skips_what_the_cli_injected(run: Runner, cwd: str, config: Path) -> None:
    t = Transcript(S1, cwd)
    t.user("<command-name>/clear</command-name>")
    t.user("Caveat: the messages below", isMeta=True)
    t.user([{"type": "tool_result", "tool_use_id": "t", "content": "x"}])
    t.user([tb("<system-reminder>hidden</system-reminder>"), tb("  What   is\nthis?  ")])
    t.write(config)
    assert run(lambda: get_session_info(S1, config_dir=config)).first_prompt == "What is this?"


def test_a_subagent_or_promptless_file_is_not_listed(run: Runner, cwd: str, config: Path) -> None:
    side = Transcript(S1, cwd)
    side.user("task for the agent", isSidechain=True)
    side.write(config)
    bare = Transcript(S2, cwd)
    bare.meta("mode", mode="normal")
    bare.write(config)
    assert run(lambda: list_sessions(cwd, config_dir=config)) == []
    with pytest.raises(SessionNotFoundError, match="holds no conversation"):
        run(lambda: get_session_info(S1, config_dir=config))


class CountingOs:
    """``os`` for session_files, counting the bytes it reads."""

    def __init__(self) -> None:
        self.bytes_read = 0

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name != "read":
            return real

        def read(fd: int, n: int) -> bytes:
            data: bytes = real(fd, n)
            self.bytes_read += len(data)
            return data

        return read


def test_listing_reads_only_the_head_and_tail_of_a_big_file(
    run: Runner, cwd: str, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = Transcript(S1, cwd)
    t.user("First question")
    for n in range(400):
        t.assistant(tb(f"{n} " + "filler " * 1500), msg=f"msg_{n}")
    t.meta("custom-title", customTitle="Big one")
    t.meta("tag", tag="huge")
    path = t.write(config)
    assert path.stat().st_size > 4_000_000
    counting = CountingOs()
    monkeypatch.setattr(session_files, "os", counting)

    [info] = run(lambda: list_sessions(cwd, config_dir=config))
    assert (info.first_prompt, info.title, info.tag, info.summary) == (
        "First question",
        "Big one",
        "huge",
        "Big one",
    )
    assert counting.bytes_read <= 2 * session_files.WINDOW + 1


def test_a_title_starting_right_at_the_tail_window_is_found(
    run: Runner, cwd: str, config: Path
) -> None:
    def write(padding: int) -> Path:
        t = Transcript(S1, cwd)
        t.user("question")
        t.assistant(tb("x" * padding))
        t.meta("custom-title", customTitle="Tail title")
        return t.write(config)

    path = write(1000)
    start = path.read_bytes().index(b'{"type":"custom-title"')
    path = write(1000 + session_files.WINDOW - start)
    assert path.read_bytes().index(b'{"type":"custom-title"') == session_files.WINDOW
    assert run(lambda: get_session_info(S1, config_dir=config)).title == "Tail title"


def test_listing_a_repository_includes_its_worktrees(
    run: Runner, config: Path, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "init"], check=True)
    subprocess.run([*git, "worktree", "add", "-q", str(tmp_path / "wt")], check=True)
    (repo / "sub").mkdir()
    main_dir, wt_dir = os.path.realpath(repo), os.path.realpath(tmp_path / "wt")
    simple(S1, main_dir, "in the main worktree").write(config)
    simple(S2, wt_dir, "in the linked worktree").write(config)
    simple(S3, os.path.realpath(tmp_path), "outside").write(config)

    async def main() -> list[set[str]]:
        return [
            {i.session_id for i in await list_sessions(d, config_dir=config, **kw)}
            for d, kw in [
                (repo, {}),
                (tmp_path / "wt", {}),
                (repo / "sub", {}),
                (repo, {"include_worktrees": False}),
            ]
        ]

    assert run(main) == [{S1, S2}, {S1, S2}, {S1, S2}, {S1}]
    info = run(lambda: get_session_info(S2, repo, config_dir=config))
    assert info.cwd == wt_dir


# --------------------------------------------------------------------------
# Reading a conversation
# --------------------------------------------------------------------------


def test_messages_follow_the_chain_not_an_abandoned_branch(
    run: Runner, cwd: str, config: Path
) -> None:
    t = Transcript(S1, cwd)
    t.user("Question one")
    t.attachment()
    answer = t.assistant(tb("Answer one"), msg="m1")
    t.user("Old follow-up")
    t.assistant(tb("Old answer"), msg="m2")
    t.user("New follow-up", parent=answer)  # the user rewound and asked again
    t.user("reminder the CLI added", isMeta=True)
    t.assistant(tb("New answer"), msg="m3")
    t.user("a subagent's prompt", isSidechain=True)
    t.write(config)

    messages = run(lambda: get_session_messages(S1, config_dir=config))
    assert said(messages) == [
        ("user", "Question one"),
        ("assistant", "Answer one"),
        ("user", "New follow-up"),
        ("assistant", "New answer"),
    ]
    assert all(m.session_id == S1 for m in messages)
    assert messages[1].uuid == answer == messages[1].message.uuid
    assert isinstance(messages[1].message, AssistantMessage)
    assert messages[1].message.model == "claude-x" and messages[1].message.message_id == "m1"
    assert messages[0].timestamp is not None and messages[0].timestamp.second == 1

    page = run(lambda: get_session_messages(S1, limit=2, offset=1, config_dir=config))
    assert [m.uuid for m in page] == [m.uuid for m in messages[1:3]]


def parallel_tools(t: Transcript) -> None:
    """The layout the real CLI wrote for two parallel Read calls (see the e2e test)."""
    t.user("Read a and b")
    t.assistant(tb("Reading both."), msg="m1")
    call_a = t.assistant({"type": "tool_use", "id": "ta", "name": "Read", "input": {}}, msg="m1")
    call_b = t.assistant({"type": "tool_use", "id": "tb", "name": "Read", "input": {}}, msg="m1")
    result_b = [{"type": "tool_result", "tool_use_id": "tb", "content": "beta"}]
    result_a = [{"type": "tool_result", "tool_use_id": "ta", "content": "alpha"}]
    t.user(result_b, parent=call_b, sourceToolAssistantUUID=call_b, toolUseResult={"n": 2})
    t.user(result_a, parent=call_a, sourceToolAssistantUUID=call_a)
    t.attachment()
    t.assistant(tb("alpha and beta"), msg="m2")


def test_parallel_tool_calls_and_all_their_results_are_in_the_conversation(
    run: Runner, cwd: str, config: Path
) -> None:
    t = Transcript(S1, cwd)
    parallel_tools(t)
    t.write(config)
    messages = run(lambda: get_session_messages(S1, config_dir=config))
    assert said(messages) == [
        ("user", "Read a and b"),
        ("assistant", "Reading both."),
        ("assistant", "call ta"),
        ("assistant", "call tb"),
        ("user", "result tb"),
        ("user", "result ta"),
        ("assistant", "alpha and beta"),
    ]
    assert isinstance(messages[4].message, UserMessage)
    assert messages[4].message.tool_use_result == {"n": 2}


def test_malformed_lines_are_skipped_with_a_warning(
    run: Runner, cwd: str, config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="ccsdk")
    t = Transcript(S1, cwd)
    t.user("Question")
    t.raw('{"type": "assistant", "message": {"content": [')
    t.raw("[1, 2, 3]")
    broken = t.assistant(tb("no model"), msg="m0")
    del t.lines[-1]["message"]["model"]  # a message that does not decode
    t.assistant(tb("Answer"), msg="m1")
    path = t.write(config)
    with path.open("ab") as f:
        f.write(b'{"type":"user","mess')  # a line the CLI is still writing

    assert said(run(lambda: get_session_messages(S1, config_dir=config))) == [
        ("user", "Question"),
        ("assistant", "Answer"),
    ]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2, warnings
    assert str(path) in warnings[0] and "2 malformed line(s)" in warnings[0]
    assert "line 2 is not JSON" in warnings[0]
    assert f"entry {broken}" in warnings[1] and "model" in warnings[1]
    assert run(lambda: get_session_info(S1, config_dir=config)).first_prompt == "Question"


# --------------------------------------------------------------------------
# Renaming, tagging, deleting
# --------------------------------------------------------------------------


def test_rename_and_tag_append_lines_the_last_of_which_wins(
    run: Runner, cwd: str, config: Path
) -> None:
    path = simple(S1, cwd).write(config)
    before = path.read_bytes()

    async def main() -> list[SessionInfo]:
        seen = []
        await rename_session(S1, "  First title ", config_dir=config)
        await tag_session(S1, "keep", config_dir=config)
        seen.append(await get_session_info(S1, cwd, config_dir=config))
        await rename_session(S1, "Second title", directory=cwd, config_dir=config)
        await tag_session(S1, None, config_dir=config)
        seen.append(await get_session_info(S1, config_dir=config))
        return seen

    first, second = run(main)
    assert (first.title, first.tag, first.summary) == ("First title", "keep", "First title")
    assert (second.title, second.tag) == ("Second title", None)
    added = path.read_bytes()[len(before) :].splitlines()
    assert [orjson.loads(line) for line in added] == [
        {"type": "custom-title", "customTitle": "First title", "sessionId": S1},
        {"type": "tag", "tag": "keep", "sessionId": S1},
        {"type": "custom-title", "customTitle": "Second title", "sessionId": S1},
        {"type": "tag", "tag": "", "sessionId": S1},
    ]


def test_a_rename_writes_the_title_file_the_cli_writes(run: Runner, cwd: str, config: Path) -> None:
    path = simple(S1, cwd).write(config)
    run(lambda: rename_session(S1, "Old", config_dir=config))
    run(lambda: rename_session(S1, "New", config_dir=config))
    title_file = path.with_suffix("") / "custom-title.json"
    # The format, and the modes, of the file the real CLI wrote for its own rename.
    assert orjson.loads(title_file.read_bytes()) == {"customTitle": "New"}
    assert stat.S_IMODE(title_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(title_file.parent.stat().st_mode) == 0o700
    assert [p.name for p in title_file.parent.iterdir()] == ["custom-title.json"]


def test_a_title_that_left_the_tail_is_read_from_the_title_file(
    run: Runner, cwd: str, config: Path
) -> None:
    t = Transcript(S1, cwd)
    t.user("question")
    t.meta("custom-title", customTitle="In the head")
    for n in range(40):
        t.assistant(tb("filler " * 500), msg=f"m{n}")
    path = t.write(config)
    assert run(lambda: get_session_info(S1, config_dir=config)).title == "In the head"
    title_file = path.with_suffix("") / "custom-title.json"
    title_file.parent.mkdir()
    title_file.write_bytes(orjson.dumps({"customTitle": "From the file", "by": "remote"}))
    assert run(lambda: get_session_info(S1, config_dir=config)).title == "From the file"
    with path.open("ab") as f:
        f.write(orjson.dumps({"type": "custom-title", "customTitle": "In the tail"}) + b"\n")
    assert run(lambda: get_session_info(S1, config_dir=config)).title == "In the tail"


def test_a_rename_after_a_cut_last_line_is_a_line_of_its_own(
    run: Runner, cwd: str, config: Path
) -> None:
    path = simple(S1, cwd).write(config)
    with path.open("ab") as f:
        f.write(b'{"type":"assist')  # the CLI died mid-write
    run(lambda: rename_session(S1, "Still readable", config_dir=config))
    assert path.read_bytes().endswith(
        b'{"type":"assist\n{"type":"custom-title"'
        + b","
        + (b'"customTitle":"Still readable","sessionId":"' + S1.encode() + b'"}\n')
    )
    assert run(lambda: get_session_info(S1, config_dir=config)).title == "Still readable"


def test_delete_removes_the_transcript_and_the_session_directory(
    run: Runner, cwd: str, config: Path
) -> None:
    path = simple(S1, cwd).write(config)
    simple(S2, cwd).write(config)
    subagents = path.with_suffix("") / "subagents"
    subagents.mkdir(parents=True)
    (subagents / "agent-a1.jsonl").write_text("{}\n")

    async def main() -> list[str]:
        await delete_session(S1, config_dir=config)
        return [i.session_id for i in await list_sessions(cwd, config_dir=config)]

    assert run(main) == [S2]
    assert not path.exists() and not path.with_suffix("").exists()
    with pytest.raises(SessionNotFoundError):
        run(lambda: delete_session(S1, config_dir=config))


# --------------------------------------------------------------------------
# Forking
# --------------------------------------------------------------------------


def test_a_fork_is_a_new_session_with_new_uuids_chained_in_order(
    run: Runner, cwd: str, config: Path
) -> None:
    t = Transcript(S1, cwd)
    parallel_tools(t)
    t.user("Second question")
    t.assistant(tb("Second answer"), msg="m3")
    t.meta("custom-title", customTitle="Tools")
    t.meta("content-replacement", replacements=[{"toolUseId": "ta", "replacement": "r"}])
    source = t.write(config)
    source_bytes = source.read_bytes()
    source_uuids = {line["uuid"] for line in t.lines if isinstance(line, dict) and "uuid" in line}

    async def main() -> tuple[SessionInfo, list[SessionMessage], list[SessionMessage]]:
        before = await get_session_messages(S1, config_dir=config)
        cut = next(m for m in before if said([m]) == [("assistant", "alpha and beta")])
        info = await fork_session(S1, up_to_message_id=cut.uuid, config_dir=config)
        return info, before, await get_session_messages(info.session_id, config_dir=config)

    info, before, forked = run(main)
    assert source.read_bytes() == source_bytes
    assert info.session_id not in (S1,) and info.title == "Tools (fork)"
    assert info.path == str(source.parent / f"{info.session_id}.jsonl")
    assert stat.S_IMODE(os.stat(info.path).st_mode) == 0o600
    assert said(forked) == said(before)[:7]
    assert all(m.session_id == info.session_id for m in forked)

    lines = [orjson.loads(line) for line in Path(info.path).read_bytes().splitlines()]
    chained = [line for line in lines if "uuid" in line]
    assert chained[0]["parentUuid"] is None
    assert all(b["parentUuid"] == a["uuid"] for a, b in itertools.pairwise(chained))
    assert not {line["uuid"] for line in chained} & source_uuids
    assert all(line["forkedFrom"]["messageUuid"] in source_uuids for line in chained)
    results = [line for line in chained if "sourceToolAssistantUUID" in line]
    assert [r["sourceToolAssistantUUID"] in {c["uuid"] for c in chained} for r in results] == [
        True,
        True,
    ]
    assert lines[-2]["type"] == "content-replacement"
    assert lines[-2]["sessionId"] == info.session_id
    assert lines[-1] == {
        "type": "custom-title",
        "customTitle": "Tools (fork)",
        "sessionId": info.session_id,
    }
    title_file = Path(info.path).with_suffix("") / "custom-title.json"
    assert orjson.loads(title_file.read_bytes()) == {"customTitle": "Tools (fork)"}


def test_a_fork_by_default_copies_everything_and_takes_a_given_title(
    run: Runner, cwd: str, config: Path
) -> None:
    simple(S1, cwd, "Original prompt").write(config)

    async def main() -> tuple[SessionInfo, SessionInfo, list[SessionMessage]]:
        untitled = await fork_session(S1, config_dir=config)
        titled = await fork_session(untitled.session_id, title=" Mine ", config_dir=config)
        return untitled, titled, await get_session_messages(titled.session_id, config_dir=config)

    untitled, titled, messages = run(main)
    assert untitled.title == "Original prompt (fork)" and titled.title == "Mine"
    assert said(messages) == [("user", "Original prompt"), ("assistant", "Hi!")]


def test_forking_at_an_unknown_message_or_an_empty_session_is_a_value_error(
    run: Runner, cwd: str, config: Path
) -> None:
    simple(S1, cwd).write(config)
    t = Transcript(S2, cwd)
    t.meta("custom-title", customTitle="nothing said yet")
    t.write(config)
    with pytest.raises(ValueError, match="no message with uuid 'nope'"):
        run(lambda: fork_session(S1, up_to_message_id="nope", config_dir=config))
    with pytest.raises(ValueError, match="no conversation to fork"):
        run(lambda: fork_session(S2, config_dir=config))
    assert len(list((config / "projects" / project_dir_name(cwd)).iterdir())) == 2


def test_a_fork_never_overwrites_a_file(
    run: Runner, cwd: str, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    simple(S1, cwd).write(config)
    taken = simple(S2, cwd).write(config)
    before = taken.read_bytes()
    monkeypatch.setattr(transcript.uuid_module, "uuid4", lambda: uuid.UUID(S2))
    with pytest.raises(FileExistsError):
        run(lambda: fork_session(S1, config_dir=config))
    assert taken.read_bytes() == before


# --------------------------------------------------------------------------
# The event loop is never blocked
# --------------------------------------------------------------------------


class OffLoopOs:
    """``os`` for session_files that fails any use from the event loop's thread."""

    def __init__(self, loop_thread: int) -> None:
        self.loop_thread = loop_thread
        self.uses = 0
        self.threads: set[int] = set()

    def __getattr__(self, name: str) -> Any:
        here = threading.get_ident()
        if here == self.loop_thread:
            raise AssertionError(f"os.{name} used on the event loop's thread")
        self.uses += 1
        self.threads.add(here)
        return getattr(os, name)


def test_all_file_io_runs_off_the_event_loop(
    run: Runner, cwd: str, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    simple(S1, cwd).write(config)
    simple(S2, cwd).write(config)
    calls: list[Callable[[], Awaitable[Any]]] = [
        lambda: list_sessions(cwd, config_dir=config),
        lambda: list_sessions(config_dir=config),
        lambda: get_session_info(S1, config_dir=config),
        lambda: get_session_messages(S1, cwd, config_dir=config),
        lambda: rename_session(S1, "t", config_dir=config),
        lambda: tag_session(S1, "t", config_dir=config),
        lambda: fork_session(S1, config_dir=config),
        lambda: delete_session(S2, config_dir=config),
    ]

    async def main() -> OffLoopOs:
        proxy = OffLoopOs(threading.get_ident())
        monkeypatch.setattr(session_files, "os", proxy)
        for call in calls:
            before = proxy.uses
            await call()
            assert proxy.uses > before
        return proxy

    proxy = run(main)
    assert proxy.uses > 0 and threading.get_ident() not in proxy.threads


def test_the_loop_keeps_running_while_a_slow_disk_is_read(
    run: Runner, cwd: str, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    simple(S1, cwd).write(config)
    real_read_all = session_files._read_all

    def slow_read_all(path: str) -> bytes:
        time.sleep(0.3)
        return real_read_all(path)

    monkeypatch.setattr(session_files, "_read_all", slow_read_all)

    async def main() -> tuple[int, int]:
        ticks = 0
        async with anyio.create_task_group() as tg:

            async def tick() -> None:
                nonlocal ticks
                while True:
                    await anyio.sleep(0.01)
                    ticks += 1

            tg.start_soon(tick)
            await anyio.sleep(0.05)
            start = ticks
            messages = await get_session_messages(S1, config_dir=config)
            assert len(messages) == 2
            tg.cancel_scope.cancel()
        return start, ticks

    start, end = run(main)
    assert end - start >= 5  # 0.3 s at a tick per 10 ms: far more if the loop is free


def test_a_cancelled_fork_still_finishes_whole(
    run: Runner, cwd: str, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    simple(S1, cwd, "Original").write(config)
    real_fork_lines = session_files.fork_lines

    def slow_fork_lines(*args: Any) -> Any:
        time.sleep(0.3)
        return real_fork_lines(*args)

    monkeypatch.setattr(session_files, "fork_lines", slow_fork_lines)

    async def main() -> tuple[SessionInfo | None, bool, list[SessionInfo]]:
        forked = None
        with anyio.move_on_after(0.05) as scope:
            forked = await fork_session(S1, config_dir=config)
            await anyio.sleep(1)  # the cancellation arrives at the next checkpoint
        return forked, scope.cancelled_caught, await list_sessions(cwd, config_dir=config)

    forked, cancelled, listed = run(main)
    assert forked is not None and cancelled
    [fork] = [i for i in listed if i.session_id != S1]
    assert fork == forked
    assert fork.title == "Original (fork)"
    assert said(run(lambda: get_session_messages(fork.session_id, config_dir=config))) == [
        ("user", "Original"),
        ("assistant", "Hi!"),
    ]


# --------------------------------------------------------------------------
# End to end: the real CLI writes, ccsdk changes, the real CLI resumes
# --------------------------------------------------------------------------


def in_call_order(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``pairs`` with each run of tool results sorted (parallel tools finish in any order)."""
    out = list(pairs)
    i = 0
    while i < len(out):
        j = i
        while j < len(out) and out[j][1].startswith("result "):
            j += 1
        out[i : j + 1] = sorted(out[i:j]) + out[j : j + 1]
        i = j + 1
    return out


def said_to_model(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(role, what) for what the model was shown, the CLI's reminders left out."""
    out = []
    for message in body["messages"]:
        if message["role"] not in ("user", "assistant"):
            continue
        content = message["content"]
        blocks = [tb(content)] if isinstance(content, str) else content
        for block in blocks:
            if block["type"] == "text" and not block["text"].startswith("<system-reminder>"):
                out.append((message["role"], block["text"]))
            elif block["type"] == "tool_use":
                out.append((message["role"], f"call {block['id']}"))
            elif block["type"] == "tool_result":
                out.append((message["role"], f"result {block['tool_use_id']}"))
    return out


@pytest.fixture
def cli_env(
    cli_path: Path, fake_model: FakeModel, tmp_path: Path
) -> Callable[..., ClaudeCodeOptions]:
    """Options for the real CLI on the FakeModel, with CLAUDE_CONFIG_DIR = tmp/config."""
    home = tmp_path / "home"
    home.mkdir()

    def make(cwd: str, **kwargs: Any) -> ClaudeCodeOptions:
        env = fake_model.env(home=str(home))
        env["CLAUDE_CONFIG_DIR"] = str(tmp_path / "config")
        return ClaudeCodeOptions(cli_path=str(cli_path), env=env, cwd=cwd, **kwargs)

    return make


async def ask(options: ClaudeCodeOptions, prompt: str) -> ResultMessage:
    result = None
    async for message in query(prompt=prompt, options=options):
        if isinstance(message, ResultMessage):
            result = message
    assert result is not None and not result.is_error
    return result


@pytest.mark.e2e
def test_a_cli_session_is_listed_read_renamed_tagged_and_resumed_by_its_title(
    run: Runner, fake_model: FakeModel, cli_env: Callable[..., ClaudeCodeOptions], tmp_path: Path
) -> None:
    # A long path with an accent, an emoji and a symlink: the CLI's naming rules all apply.
    real = tmp_path / ("caf\u00e9 \U0001f600 " + "d" * 120) / ("e" * 100)
    real.mkdir(parents=True)
    (tmp_path / "link").symlink_to(real)
    cwd = str(tmp_path / "link")
    config = tmp_path / "config"
    fake_model.add_turns(
        Turn([text("Paris.")]), Turn([text("About 2.1 million.")]), Turn([text("The Seine.")])
    )

    async def main() -> tuple[str, list[Any]]:
        async with ClaudeSDKClient(cli_env(cwd)) as client:
            for prompt in ("What is the capital of France?", "How many people live there?"):
                await client.query(prompt)
                replies: list[Message] = [m async for m in client.receive_response()]
        result = replies[-1]
        assert isinstance(result, ResultMessage)
        sid = result.session_id
        seen: list[Any] = [
            await list_sessions(cwd, config_dir=config),
            await get_session_messages(sid, cwd, config_dir=config),
        ]
        await rename_session(sid, "Capital talk", config_dir=config)
        await tag_session(sid, "geo", config_dir=config)
        seen.append(await list_sessions(config_dir=config))
        resumed = await ask(cli_env(cwd, resume="Capital talk"), "And the river?")
        seen.append(resumed.session_id)
        seen.append(await get_session_info(sid, config_dir=config))
        seen.append(await get_session_messages(sid, config_dir=config))
        return sid, seen

    sid, (listed, messages, renamed, resumed_id, after, messages_after) = run(main)
    [info] = listed
    assert info.session_id == sid
    assert info.cwd == str(real)
    assert info.path.startswith(str(config / "projects" / project_dir_name(str(real))))
    assert (info.first_prompt, info.title, info.tag) == (
        "What is the capital of France?",
        None,
        None,
    )
    assert said(messages) == [
        ("user", "What is the capital of France?"),
        ("assistant", "Paris."),
        ("user", "How many people live there?"),
        ("assistant", "About 2.1 million."),
    ]
    assert [(i.session_id, i.title, i.tag, i.summary) for i in renamed] == [
        (sid, "Capital talk", "geo", "Capital talk")
    ]
    # The CLI found the session by the title ccsdk gave it, and sent the old turns.
    assert resumed_id == sid
    assert said_to_model(fake_model.turn_requests[2])[-5:] == [
        *said(messages),
        ("user", "And the river?"),
    ]
    # ...and kept the title and tag while it appended to the session.
    assert (after.title, after.tag, after.last_prompt) == ("Capital talk", "geo", "And the river?")
    assert said(messages_after)[-2:] == [("user", "And the river?"), ("assistant", "The Seine.")]


@pytest.mark.e2e
def test_a_fork_of_a_cli_session_is_resumed_by_the_cli_and_outlives_its_source(
    run: Runner, fake_model: FakeModel, cli_env: Callable[..., ClaudeCodeOptions], tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.txt").write_text("alpha\n")
    (work / "b.txt").write_text("beta\n")
    cwd = str(work)
    config = tmp_path / "config"
    fake_model.add_turns(
        Turn(
            [
                text("Reading both."),
                tool_use("Read", {"file_path": str(work / "a.txt")}, id="toolu_a"),
                tool_use("Read", {"file_path": str(work / "b.txt")}, id="toolu_b"),
            ]
        ),
        Turn([text("They say alpha and beta.")]),
        Turn([text("Second answer.")]),
        Turn([text("Answer in the fork.")]),
    )

    async def main() -> tuple[str, SessionInfo, list[SessionMessage], list[SessionMessage]]:
        options = cli_env(cwd, allowed_tools=["Read"])
        async with ClaudeSDKClient(options) as client:
            for prompt in ("Read a.txt and b.txt", "Anything else?"):
                await client.query(prompt)
                replies = [m async for m in client.receive_response()]
        result = replies[-1]
        assert isinstance(result, ResultMessage)
        sid = result.session_id
        source = await get_session_messages(sid, config_dir=config)
        cut = next(m for m in source if said([m]) == [("assistant", "They say alpha and beta.")])
        fork = await fork_session(
            sid, up_to_message_id=cut.uuid, title="Tool fork", config_dir=config
        )
        await delete_session(sid, config_dir=config)
        resumed = await ask(cli_env(cwd, resume=fork.session_id), "What did they say?")
        assert resumed.session_id == fork.session_id
        with pytest.raises(ProcessError, match=f"No conversation found with session ID: {sid}"):
            await ask(cli_env(cwd, resume=sid), "Is it gone?")
        return sid, fork, source, await get_session_messages(fork.session_id, config_dir=config)

    sid, fork, source, forked = run(main)
    first_exchange = [
        ("user", "Read a.txt and b.txt"),
        ("assistant", "Reading both."),
        ("assistant", "call toolu_a"),
        ("assistant", "call toolu_b"),
        ("user", "result toolu_a"),  # the two results in the order the tools finished
        ("user", "result toolu_b"),
        ("assistant", "They say alpha and beta."),
    ]
    assert in_call_order(said(source)) == [
        *first_exchange,
        ("user", "Anything else?"),
        ("assistant", "Second answer."),
    ]
    assert fork.title == "Tool fork" and fork.session_id != sid
    # The CLI sent the fork's conversation, parallel calls and results included, not the rest.
    assert said_to_model(fake_model.turn_requests[3]) == [
        *said(source)[:7],
        ("user", "What did they say?"),
    ]
    assert said(forked) == [
        *said(source)[:7],
        ("user", "What did they say?"),
        ("assistant", "Answer in the fork."),
    ]
