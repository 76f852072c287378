"""Sessions on disk: listing, reading, forking, renaming, tagging and deleting transcripts.

The official SDK's names are synchronous and are called here outside any
event loop; their ``a``-prefixed forms run on trio and asyncio (``run``).
Unit tests write transcripts by hand in the layout the CLI 2.1.331 uses; the
end-to-end tests let the real CLI write them (against the FakeModel) and
then make it resume what ccsdk changed.
"""

from __future__ import annotations

import dataclasses
import inspect
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

import ccsdk
from ccsdk import (
    ClaudeCodeOptions,
    ClaudeSDKClient,
    ForkSessionResult,
    Message,
    ProcessError,
    ResultMessage,
    SDKSessionInfo,
    SessionMessage,
    SessionNotFoundError,
    TaskStartedMessage,
    adelete_session,
    afork_session,
    aget_session_info,
    aget_session_messages,
    aget_subagent_messages,
    alist_sessions,
    alist_subagents,
    arename_session,
    atag_session,
    delete_session,
    fork_session,
    get_session_info,
    get_session_messages,
    get_subagent_messages,
    list_sessions,
    list_subagents,
    query,
    rename_session,
    tag_session,
)
from ccsdk.stored_sessions import _files as session_files
from ccsdk.stored_sessions import _transcript as transcript
from ccsdk.stored_sessions._transcript import project_dir_name
from ccsdk.testing import FakeModel, Turn, text, tool_use
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
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's config directory, set as ``CLAUDE_CONFIG_DIR`` (read at each call)."""
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config"


def said(messages: list[SessionMessage]) -> list[tuple[str, str]]:
    """(type, what) per message: the text, or the tool call / result ids."""
    out: list[tuple[str, str]] = []
    for m in messages:
        content = m.message["content"]
        if isinstance(content, str):
            out.append((m.type, content))
            continue
        for block in content:
            if block["type"] == "text":
                out.append((m.type, block["text"]))
            elif block["type"] == "tool_use":
                out.append((m.type, f"call {block['id']}"))
            elif block["type"] == "tool_result":
                out.append((m.type, f"result {block['tool_use_id']}"))
    return out


def ms(seconds: float) -> int:
    return int(seconds * 1000)


# --------------------------------------------------------------------------
# The official SDK's names, signatures and types
# --------------------------------------------------------------------------

P = inspect.Parameter
POS = P.POSITIONAL_OR_KEYWORD
#: claude_agent_sdk 0.2.190: (name, kind, default) of each parameter.
OFFICIAL_SIGNATURES: dict[str, list[tuple[str, Any, Any]]] = {
    "list_sessions": [
        ("directory", POS, None),
        ("limit", POS, None),
        ("offset", POS, 0),
        ("include_worktrees", POS, True),
    ],
    "get_session_info": [("session_id", POS, P.empty), ("directory", POS, None)],
    "get_session_messages": [
        ("session_id", POS, P.empty),
        ("directory", POS, None),
        ("limit", POS, None),
        ("offset", POS, 0),
    ],
    "list_subagents": [("session_id", POS, P.empty), ("directory", POS, None)],
    "get_subagent_messages": [
        ("session_id", POS, P.empty),
        ("agent_id", POS, P.empty),
        ("directory", POS, None),
        ("limit", POS, None),
        ("offset", POS, 0),
    ],
    "fork_session": [
        ("session_id", POS, P.empty),
        ("directory", POS, None),
        ("up_to_message_id", POS, None),
        ("title", POS, None),
    ],
    "rename_session": [
        ("session_id", POS, P.empty),
        ("title", POS, P.empty),
        ("directory", POS, None),
    ],
    "tag_session": [("session_id", POS, P.empty), ("tag", POS, P.empty), ("directory", POS, None)],
    "delete_session": [("session_id", POS, P.empty), ("directory", POS, None)],
}


@pytest.mark.parametrize("name", sorted(OFFICIAL_SIGNATURES))
def test_each_function_has_the_official_signature_and_an_async_twin(name: str) -> None:
    sync = getattr(ccsdk, name)
    twin = getattr(ccsdk, "a" + name)
    assert not inspect.iscoroutinefunction(sync) and inspect.iscoroutinefunction(twin)
    for fn in (sync, twin):
        params = inspect.signature(fn).parameters.values()
        assert [(p.name, p.kind, p.default) for p in params] == OFFICIAL_SIGNATURES[name]
    assert name in ccsdk.__all__ and "a" + name in ccsdk.__all__


def test_the_result_types_are_the_official_dataclasses() -> None:
    def fields(cls: Any) -> list[tuple[str, Any]]:
        return [(f.name, f.default) for f in dataclasses.fields(cls)]

    none = None
    assert fields(SDKSessionInfo) == [
        ("session_id", dataclasses.MISSING),
        ("summary", dataclasses.MISSING),
        ("last_modified", dataclasses.MISSING),
        ("file_size", none),
        ("custom_title", none),
        ("first_prompt", none),
        ("git_branch", none),
        ("cwd", none),
        ("tag", none),
        ("created_at", none),
    ]
    assert fields(SessionMessage) == [
        ("type", dataclasses.MISSING),
        ("uuid", dataclasses.MISSING),
        ("session_id", dataclasses.MISSING),
        ("message", dataclasses.MISSING),
        ("parent_tool_use_id", none),
        ("parent_agent_id", none),
    ]
    assert fields(ForkSessionResult) == [("session_id", dataclasses.MISSING)]
    assert not hasattr(ccsdk, "SessionInfo")


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
    cwd: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    simple(S1, cwd, "in the env's dir").write(tmp_path / "from-env")
    simple(S2, cwd, "in home").write(tmp_path / "home" / ".claude")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "from-env"))
    assert [i.first_prompt for i in list_sessions()] == ["in the env's dir"]
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", "")  # empty: unset, as for the CLI
    assert [i.first_prompt for i in list_sessions()] == ["in home"]
    monkeypatch.delenv("CLAUDE_CONFIG_DIR")
    assert [i.first_prompt for i in list_sessions()] == ["in home"]


# --------------------------------------------------------------------------
# Bad input, and unknown sessions
# --------------------------------------------------------------------------


def every_call(session_id: Any) -> list[Callable[[], Any]]:
    return [
        lambda: get_session_info(session_id),
        lambda: get_session_messages(session_id),
        lambda: list_subagents(session_id),
        lambda: get_subagent_messages(session_id, "a1"),
        lambda: fork_session(session_id),
        lambda: rename_session(session_id, "title"),
        lambda: tag_session(session_id, "tag"),
        lambda: delete_session(session_id),
    ]


def every_async_call(session_id: Any) -> list[Callable[[], Awaitable[Any]]]:
    return [
        lambda: aget_session_info(session_id),
        lambda: aget_session_messages(session_id),
        lambda: alist_subagents(session_id),
        lambda: aget_subagent_messages(session_id, "a1"),
        lambda: afork_session(session_id),
        lambda: arename_session(session_id, "title"),
        lambda: atag_session(session_id, "tag"),
        lambda: adelete_session(session_id),
    ]


class NoDisk:
    """Stands in for ``os`` in session_files: any use of it fails the test."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"os.{name} used")


@pytest.mark.parametrize(
    "bad", ["../x", "", "..", f"{S1}/../{S2}", f"{S1}\n", "not-a-uuid", f"../{S1}"]
)
def test_a_session_id_that_is_not_a_uuid_is_a_value_error_before_any_io(
    config: Path, bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_files, "os", NoDisk())
    for call in every_call(bad):
        with pytest.raises(ValueError, match="session_id must be a UUID"):
            call()


def test_the_async_forms_raise_the_same_errors(run: Runner, config: Path, cwd: str) -> None:
    simple(S1, cwd).write(config)
    for call in every_async_call("../x"):
        with pytest.raises(ValueError, match="session_id must be a UUID"):
            run(call)
    with pytest.raises(SessionNotFoundError, match=MISSING):
        run(lambda: arename_session(MISSING, "t"))
    with pytest.raises(ValueError, match="limit must be None or an int >= 0"):
        run(lambda: alist_sessions(limit=-1))


def test_a_session_id_that_is_not_a_string_is_a_type_error(config: Path) -> None:
    for call in every_call(uuid.UUID(S1)):
        with pytest.raises(TypeError, match="session_id must be a str, got UUID"):
            call()


def test_an_unknown_session_reads_as_nothing_and_cannot_be_changed(cwd: str, config: Path) -> None:
    simple(S1, cwd).write(config)
    # As in the official SDK: reading gives None or [], changing raises FileNotFoundError.
    assert get_session_info(MISSING) is None
    assert get_session_info(MISSING, cwd) is None
    assert get_session_messages(MISSING) == []
    assert list_subagents(MISSING) == []
    assert get_subagent_messages(MISSING, "a1") == []
    assert get_subagent_messages(S1, "no-such-agent") == []
    changes: list[Callable[[], Any]] = [
        lambda: fork_session(MISSING),
        lambda: rename_session(MISSING, "title"),
        lambda: tag_session(MISSING, "tag"),
        lambda: delete_session(MISSING),
    ]
    for call in changes:
        with pytest.raises(SessionNotFoundError, match=MISSING) as info:
            call()
        assert isinstance(info.value, FileNotFoundError)  # as the official SDK raises
        assert info.value.session_id == MISSING


def test_an_unknown_session_in_a_directory_names_the_directory(
    cwd: str, config: Path, tmp_path: Path
) -> None:
    simple(S1, cwd).write(config)
    other = str(tmp_path)
    assert get_session_info(S1, other) is None
    with pytest.raises(SessionNotFoundError, match=f"for directory {other}"):
        rename_session(S1, "title", other)


def test_an_empty_file_is_no_session(cwd: str, config: Path) -> None:
    path = simple(S1, cwd).write(config)
    path.write_bytes(b"")
    assert get_session_info(S1) is None and get_session_messages(S1) == []
    with pytest.raises(SessionNotFoundError):
        rename_session(S1, "title")
    assert path.read_bytes() == b""


def test_bad_titles_tags_pages_agents_and_directories_are_refused(cwd: str, config: Path) -> None:
    simple(S1, cwd).write(config)
    calls: list[tuple[type[Exception], str, Callable[[], Any]]] = [
        (ValueError, "title must not be empty", lambda: rename_session(S1, "   ")),
        (TypeError, "title must be a str, got NoneType", lambda: rename_session(S1, None)),  # type: ignore[arg-type]
        (ValueError, "tag must not be empty", lambda: tag_session(S1, "")),
        (ValueError, "tag must not be empty", lambda: tag_session(S1, "\u200b\u200e")),
        (TypeError, "tag must be a str, got int", lambda: tag_session(S1, 3)),  # type: ignore[arg-type]
        (ValueError, "title must not be empty", lambda: fork_session(S1, title="\n")),
        (ValueError, "up_to_message_id must be a UUID", lambda: fork_session(S1, None, "x")),
        (ValueError, "limit must be None or an int >= 0", lambda: list_sessions(limit=-1)),
        (ValueError, "offset must be an int >= 0", lambda: list_sessions(offset=-1)),
        (ValueError, "limit must be", lambda: get_session_messages(S1, limit=True)),
        (ValueError, "offset must be", lambda: get_subagent_messages(S1, "a", offset=-2)),
        (ValueError, "agent_id must not be empty", lambda: get_subagent_messages(S1, "")),
        (TypeError, "agent_id must be a str", lambda: get_subagent_messages(S1, None)),  # type: ignore[arg-type]
        (TypeError, "include_worktrees must be a bool", lambda: list_sessions(cwd, None, 0, 1)),  # type: ignore[arg-type]
        (TypeError, "directory must be a str or an os.PathLike", lambda: list_sessions(7)),  # type: ignore[arg-type]
        (TypeError, "directory must be", lambda: get_session_info(S1, 7)),  # type: ignore[arg-type]
    ]
    for error, message, call in calls:
        with pytest.raises(error, match=message):
            call()
    info = get_session_info(S1)
    assert info is not None and info.custom_title is None and info.tag is None


# --------------------------------------------------------------------------
# Listing
# --------------------------------------------------------------------------


def test_listing_shows_each_session_newest_first_with_paging(
    cwd: str, config: Path, tmp_path: Path
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

    every = list_sessions(cwd)
    assert [i.session_id for i in every] == [S3, S2, S1]
    assert [i.session_id for i in list_sessions(Path(cwd), 2) + list_sessions(cwd, 2, 2)] == [
        S3,
        S2,
        S1,
    ]
    assert list_sessions(cwd, limit=0) == []
    assert list_sessions(str(tmp_path / "never-used")) == []
    assert {i.session_id for i in list_sessions()} == {S1, S2, S3, MISSING}
    assert {i.session_id for i in list_sessions("")} == {S1, S2, S3, MISSING}  # "": all
    assert every[0] == SDKSessionInfo(
        session_id=S3,
        summary="prompt 2",
        last_modified=1_700_000_002_000,
        file_size=(project / f"{S3}.jsonl").stat().st_size,
        custom_title=None,
        first_prompt="prompt 2",
        git_branch="main",
        cwd=cwd,
        tag=None,
        created_at=ms(1_767_225_601),  # 2026-01-01T00:00:01Z: the first entry with a time
    )


def test_the_first_prompt_skips_what_the_cli_injected() -> None:
    t = Transcript(S1, "/w")
    t.user("<command-message>clear</command-message>\n<command-name>/clear</command-name>")
    t.user("Caveat: the messages below", isMeta=True)
    t.user([{"type": "tool_result", "tool_use_id": "t", "content": "x"}])
    t.user("<local-command-stdout>cleared</local-command-stdout>")
    t.user("<ide_opened_file>The user opened a.py</ide_opened_file>")
    t.user([tb("<system-reminder>hidden</system-reminder>"), tb("  What is\nthis?  ")])
    entries: list[dict[str, Any]] = [e for e in t.lines if isinstance(e, dict)]
    assert transcript.first_prompt(entries) == "What is this?"
    # Only a slash command typed: its name.
    assert transcript.first_prompt(entries[:2]) == "/clear"
    long = Transcript(S1, "/w")
    long.user("word " * 100)
    assert transcript.first_prompt(long.lines) == ("word " * 40).rstrip() + "\u2026"


def test_titles_summaries_and_branches_come_from_the_end_of_the_file(
    cwd: str, config: Path
) -> None:
    t = simple(S1, cwd, "first")
    t.meta("ai-title", aiTitle="Made by the CLI")
    t.user("second", gitBranch="feature")
    t.meta("last-prompt", lastPrompt="second")
    t.write(config)
    info = get_session_info(S1)
    assert info is not None
    assert (info.custom_title, info.summary, info.first_prompt, info.git_branch) == (
        "Made by the CLI",
        "Made by the CLI",
        "first",
        "feature",
    )
    rename_session(S1, "Mine")
    info = get_session_info(S1, cwd)
    assert info is not None and (info.custom_title, info.summary) == ("Mine", "Mine")


def test_a_subagent_or_promptless_file_is_not_listed(cwd: str, config: Path) -> None:
    side = Transcript(S1, cwd)
    side.user("task for the agent", isSidechain=True)
    side.write(config)
    bare = Transcript(S2, cwd)
    bare.meta("mode", mode="normal")
    bare.write(config)
    assert list_sessions(cwd) == []
    assert get_session_info(S1) is None and get_session_info(S2) is None


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
    cwd: str, config: Path, monkeypatch: pytest.MonkeyPatch
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

    [info] = list_sessions(cwd)
    assert (info.first_prompt, info.custom_title, info.tag, info.summary) == (
        "First question",
        "Big one",
        "huge",
        "Big one",
    )
    assert counting.bytes_read <= 2 * session_files.WINDOW + 1


def test_a_title_starting_right_at_the_tail_window_is_found(cwd: str, config: Path) -> None:
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
    info = get_session_info(S1)
    assert info is not None and info.custom_title == "Tail title"


def test_listing_a_repository_includes_its_worktrees(config: Path, tmp_path: Path) -> None:
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

    def ids(directory: Path, include_worktrees: bool = True) -> set[str]:
        return {i.session_id for i in list_sessions(directory, None, 0, include_worktrees)}

    assert ids(repo) == ids(tmp_path / "wt") == ids(repo / "sub") == {S1, S2}
    assert ids(repo, include_worktrees=False) == {S1}
    info = get_session_info(S2, str(repo))
    assert info is not None and info.cwd == wt_dir
    assert said(get_session_messages(S2, str(repo)))[0] == ("user", "in the linked worktree")


# --------------------------------------------------------------------------
# Reading a conversation
# --------------------------------------------------------------------------


def test_messages_follow_the_chain_not_an_abandoned_branch(cwd: str, config: Path) -> None:
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

    messages = get_session_messages(S1)
    assert said(messages) == [
        ("user", "Question one"),
        ("assistant", "Answer one"),
        ("user", "New follow-up"),
        ("assistant", "New answer"),
    ]
    assert all(m.session_id == S1 for m in messages)
    assert messages[1] == SessionMessage(
        type="assistant",
        uuid=answer,
        session_id=S1,
        message={
            "id": "m1",
            "type": "message",
            "role": "assistant",
            "model": "claude-x",
            "content": [tb("Answer one")],
        },
    )
    assert [m.uuid for m in get_session_messages(S1, cwd, 2, 1)] == [m.uuid for m in messages[1:3]]
    assert [m.uuid for m in get_session_messages(S1, offset=3)] == [messages[3].uuid]
    assert get_session_messages(S1, limit=0) == []


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
    cwd: str, config: Path
) -> None:
    t = Transcript(S1, cwd)
    parallel_tools(t)
    t.write(config)
    assert said(get_session_messages(S1)) == [
        ("user", "Read a and b"),
        ("assistant", "Reading both."),
        ("assistant", "call ta"),
        ("assistant", "call tb"),
        ("user", "result tb"),
        ("user", "result ta"),
        ("assistant", "alpha and beta"),
    ]


def test_malformed_lines_are_skipped_with_a_warning(
    cwd: str, config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="ccsdk")
    t = Transcript(S1, cwd)
    t.user("Question")
    t.raw('{"type": "assistant", "message": {"content": [')
    t.raw("[1, 2, 3]")
    t.assistant(tb("Answer"), msg="m1")
    path = t.write(config)
    with path.open("ab") as f:
        f.write(b'{"type":"user","mess')  # a line the CLI is still writing

    assert said(get_session_messages(S1)) == [("user", "Question"), ("assistant", "Answer")]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert str(path) in warnings[0] and "2 malformed line(s)" in warnings[0]
    assert "line 2 is not JSON" in warnings[0]
    info = get_session_info(S1)
    assert info is not None and info.first_prompt == "Question"


# --------------------------------------------------------------------------
# Subagents
# --------------------------------------------------------------------------


def subagent(folder: Path, agent_id: str, meta: dict[str, Any] | None, *prompts: str) -> list[str]:
    """A subagent transcript (every entry a sidechain), with its .meta.json; its uuids."""
    t = Transcript(S1, "/w")
    t.n = 50
    uuids: list[str] = []
    for prompt in prompts:
        uuids.append(t.user(prompt, isSidechain=True, agentId=agent_id))
        t.attachment()
        uuids.append(t.assistant(tb(f"done: {prompt}"), msg=f"m-{prompt}"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"agent-{agent_id}.jsonl").write_bytes(
        b"".join(orjson.dumps(line) + b"\n" for line in t.lines)
    )
    if meta is not None:
        (folder / f"agent-{agent_id}.meta.json").write_bytes(orjson.dumps(meta))
    return uuids


def test_subagents_are_listed_and_read_with_the_call_that_started_them(
    cwd: str, config: Path
) -> None:
    path = simple(S1, cwd).write(config)
    subagents = path.with_suffix("") / "subagents"
    first = subagent(subagents, "a1", {"toolUseId": "toolu_1", "agentType": "x"}, "p1", "p2")
    subagent(
        subagents / "workflows" / "run1", "a2", {"toolUseId": "t2", "parentAgentId": "a1"}, "q"
    )
    subagent(subagents, "a0", None, "r")
    (subagents / "agent-a3.meta.json").write_text("{}")  # no transcript: not a subagent
    (subagents / "notes.jsonl").write_text("{}\n")

    assert list_subagents(S1) == ["a0", "a1", "a2"]
    assert list_subagents(S1, cwd) == ["a0", "a1", "a2"]
    assert list_subagents(S2) == []
    messages = get_subagent_messages(S1, "a1")
    assert said(messages) == [
        ("user", "p1"),
        ("assistant", "done: p1"),
        ("user", "p2"),
        ("assistant", "done: p2"),
    ]
    assert [m.uuid for m in messages] == first
    assert {(m.session_id, m.parent_tool_use_id, m.parent_agent_id) for m in messages} == {
        (S1, "toolu_1", None)
    }
    [nested] = get_subagent_messages(S1, "a2", cwd, 1, 1)
    assert (nested.type, nested.parent_tool_use_id, nested.parent_agent_id) == (
        "assistant",
        "t2",
        "a1",
    )
    assert {m.parent_tool_use_id for m in get_subagent_messages(S1, "a0")} == {None}
    # The session's own conversation and listing know nothing of them.
    assert said(get_session_messages(S1)) == [("user", "Hello there"), ("assistant", "Hi!")]
    assert [i.session_id for i in list_sessions(cwd)] == [S1]
    delete_session(S1)
    assert not subagents.exists()


# --------------------------------------------------------------------------
# Renaming, tagging, deleting
# --------------------------------------------------------------------------


def test_rename_and_tag_append_lines_the_last_of_which_wins(cwd: str, config: Path) -> None:
    path = simple(S1, cwd).write(config)
    before = path.read_bytes()

    rename_session(S1, "  First title ")
    tag_session(S1, "keep")
    first = get_session_info(S1, cwd)
    rename_session(S1, "Second title", directory=cwd)
    tag_session(S1, None)
    second = get_session_info(S1)
    tag_session(S1, " \u200bfu\ufb01x\u202e ", cwd)  # invisible marks go, NFKC applies
    third = get_session_info(S1)

    assert first is not None and second is not None and third is not None
    assert (first.custom_title, first.tag, first.summary) == ("First title", "keep", "First title")
    assert (second.custom_title, second.tag) == ("Second title", None)
    assert third.tag == "fufix"
    added = path.read_bytes()[len(before) :].splitlines()
    assert [orjson.loads(line) for line in added] == [
        {"type": "custom-title", "customTitle": "First title", "sessionId": S1},
        {"type": "tag", "tag": "keep", "sessionId": S1},
        {"type": "custom-title", "customTitle": "Second title", "sessionId": S1},
        {"type": "tag", "tag": "", "sessionId": S1},
        {"type": "tag", "tag": "fufix", "sessionId": S1},
    ]


def test_a_rename_writes_the_title_file_the_cli_writes(cwd: str, config: Path) -> None:
    path = simple(S1, cwd).write(config)
    rename_session(S1, "Old")
    rename_session(S1, "New")
    title_file = path.with_suffix("") / "custom-title.json"
    # The format, and the modes, of the file the real CLI wrote for its own rename.
    assert orjson.loads(title_file.read_bytes()) == {"customTitle": "New"}
    assert stat.S_IMODE(title_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(title_file.parent.stat().st_mode) == 0o700
    assert [p.name for p in title_file.parent.iterdir()] == ["custom-title.json"]


def test_writes_do_not_follow_a_transcript_that_is_a_symbolic_link(
    cwd: str, config: Path, tmp_path: Path
) -> None:
    # A transcript replaced by a link to a file of the user's elsewhere: a
    # rename or a tag must not append to that file.
    path = simple(S1, cwd).write(config)
    victim = tmp_path / "victim.jsonl"
    victim.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(victim)
    before = victim.read_bytes()
    for change in (lambda: rename_session(S1, "t"), lambda: tag_session(S1, "x")):
        with pytest.raises(PermissionError, match="symbolic link"):
            change()
    assert victim.read_bytes() == before
    assert not path.with_suffix("").exists()  # no title file was made either


def test_a_title_file_is_not_written_into_a_linked_session_directory(
    cwd: str, config: Path, tmp_path: Path
) -> None:
    path = simple(S1, cwd).write(config)
    outside = tmp_path / "outside"
    outside.mkdir()
    path.with_suffix("").symlink_to(outside, target_is_directory=True)
    before = path.read_bytes()
    with pytest.raises(PermissionError, match="symbolic link"):
        rename_session(S1, "t")
    assert list(outside.iterdir()) == []
    assert path.read_bytes() == before  # refused before anything was written


def test_a_project_directory_linked_out_of_the_config_directory_is_not_written(
    cwd: str, config: Path, tmp_path: Path
) -> None:
    path = simple(S1, cwd).write(config)
    project = path.parent
    outside = tmp_path / "elsewhere"
    project.rename(outside)
    project.symlink_to(outside, target_is_directory=True)
    before = (outside / path.name).read_bytes()
    with pytest.raises(PermissionError, match="outside the CLI's projects directory"):
        rename_session(S1, "t")
    with pytest.raises(PermissionError, match="outside the CLI's projects directory"):
        fork_session(S1)
    assert sorted(p.name for p in outside.iterdir()) == [path.name]
    assert (outside / path.name).read_bytes() == before
    assert get_session_info(S1, cwd) is not None  # reading still works


def test_a_title_that_left_the_tail_is_read_from_the_title_file(cwd: str, config: Path) -> None:
    t = Transcript(S1, cwd)
    t.user("question")
    t.meta("custom-title", customTitle="In the head")
    for n in range(40):
        t.assistant(tb("filler " * 500), msg=f"m{n}")
    path = t.write(config)

    def title() -> str | None:
        info = get_session_info(S1)
        assert info is not None
        return info.custom_title

    assert title() == "In the head"
    title_file = path.with_suffix("") / "custom-title.json"
    title_file.parent.mkdir()
    title_file.write_bytes(orjson.dumps({"customTitle": "From the file", "by": "remote"}))
    assert title() == "From the file"
    with path.open("ab") as f:
        f.write(orjson.dumps({"type": "custom-title", "customTitle": "In the tail"}) + b"\n")
    assert title() == "In the tail"


def test_a_rename_after_a_cut_last_line_is_a_line_of_its_own(cwd: str, config: Path) -> None:
    path = simple(S1, cwd).write(config)
    with path.open("ab") as f:
        f.write(b'{"type":"assist')  # the CLI died mid-write
    rename_session(S1, "Still readable")
    assert path.read_bytes().endswith(
        b'{"type":"assist\n{"type":"custom-title"'
        + b","
        + (b'"customTitle":"Still readable","sessionId":"' + S1.encode() + b'"}\n')
    )
    info = get_session_info(S1)
    assert info is not None and info.custom_title == "Still readable"


def test_delete_removes_the_transcript_and_the_session_directory(cwd: str, config: Path) -> None:
    path = simple(S1, cwd).write(config)
    simple(S2, cwd).write(config)
    subagents = path.with_suffix("") / "subagents"
    subagents.mkdir(parents=True)
    (subagents / "agent-a1.jsonl").write_text("{}\n")

    assert delete_session(S1) is None
    assert [i.session_id for i in list_sessions(cwd)] == [S2]
    assert not path.exists() and not path.with_suffix("").exists()
    with pytest.raises(SessionNotFoundError):
        delete_session(S1)
    delete_session(S2, cwd)
    assert list_sessions() == []


# --------------------------------------------------------------------------
# Forking
# --------------------------------------------------------------------------


def test_a_fork_is_a_new_session_with_new_uuids_chained_in_order(cwd: str, config: Path) -> None:
    t = Transcript(S1, cwd)
    parallel_tools(t)
    t.user("Second question")
    t.assistant(tb("Second answer"), msg="m3")
    t.meta("custom-title", customTitle="Tools")
    t.meta("content-replacement", replacements=[{"toolUseId": "ta", "replacement": "r"}])
    source = t.write(config)
    source_bytes = source.read_bytes()
    source_uuids: set[str] = {
        line["uuid"] for line in t.lines if isinstance(line, dict) and "uuid" in line
    }

    before = get_session_messages(S1)
    cut = next(m for m in before if said([m]) == [("assistant", "alpha and beta")])
    result = fork_session(S1, up_to_message_id=cut.uuid)
    assert isinstance(result, ForkSessionResult)
    forked = get_session_messages(result.session_id)
    info = get_session_info(result.session_id)

    assert source.read_bytes() == source_bytes
    assert result.session_id != S1
    assert info is not None and info.custom_title == "Tools (fork)"
    path = source.parent / f"{result.session_id}.jsonl"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert said(forked) == said(before)[:7]
    assert all(m.session_id == result.session_id for m in forked)

    lines = [orjson.loads(line) for line in path.read_bytes().splitlines()]
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
    assert lines[-2]["sessionId"] == result.session_id
    assert lines[-1] == {
        "type": "custom-title",
        "customTitle": "Tools (fork)",
        "sessionId": result.session_id,
    }
    title_file = path.with_suffix("") / "custom-title.json"
    assert orjson.loads(title_file.read_bytes()) == {"customTitle": "Tools (fork)"}


def test_a_fork_by_default_copies_everything_and_takes_a_given_title(
    cwd: str, config: Path
) -> None:
    simple(S1, cwd, "Original prompt").write(config)
    untitled = fork_session(S1)
    titled = fork_session(untitled.session_id, cwd, None, " Mine ")
    titles = {i.session_id: i.custom_title for i in list_sessions(cwd)}
    assert titles == {
        S1: None,
        untitled.session_id: "Original prompt (fork)",
        titled.session_id: "Mine",
    }
    assert said(get_session_messages(titled.session_id)) == [
        ("user", "Original prompt"),
        ("assistant", "Hi!"),
    ]


def test_forking_at_an_unknown_message_or_an_empty_session_is_a_value_error(
    cwd: str, config: Path
) -> None:
    simple(S1, cwd).write(config)
    t = Transcript(S2, cwd)
    t.meta("custom-title", customTitle="nothing said yet")
    t.write(config)
    with pytest.raises(ValueError, match=f"no message with uuid '{MISSING}'"):
        fork_session(S1, up_to_message_id=MISSING)
    with pytest.raises(ValueError, match="no conversation to fork"):
        fork_session(S2)
    assert len(list((config / "projects" / project_dir_name(cwd)).iterdir())) == 2


def test_a_fork_never_overwrites_a_file(
    cwd: str, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    simple(S1, cwd).write(config)
    taken = simple(S2, cwd).write(config)
    before = taken.read_bytes()
    monkeypatch.setattr(transcript.uuid_module, "uuid4", lambda: uuid.UUID(S2))
    with pytest.raises(FileExistsError):
        fork_session(S1)
    assert taken.read_bytes() == before


# --------------------------------------------------------------------------
# The async forms: on trio and asyncio, never blocking the event loop
# --------------------------------------------------------------------------


def test_the_async_forms_return_what_the_sync_ones_do(run: Runner, cwd: str, config: Path) -> None:
    path = simple(S1, cwd).write(config)
    subagent(path.with_suffix("") / "subagents", "a1", {"toolUseId": "toolu_1"}, "p")

    async def main() -> list[Any]:
        seen: list[Any] = [
            await alist_sessions(cwd),
            await aget_session_info(S1, cwd),
            await aget_session_messages(S1, cwd, 1, 1),
            await alist_subagents(S1),
            await aget_subagent_messages(S1, "a1"),
        ]
        fork = await afork_session(S1, cwd, None, "Async fork")
        await arename_session(S1, "Renamed", cwd)
        await atag_session(S1, "t", cwd)
        seen += [fork, await aget_session_info(S1)]
        await adelete_session(fork.session_id)
        seen.append(await alist_sessions())
        return seen

    listed, info, page, agents, agent_messages, fork, renamed, after = run(main)
    assert listed == [info] and info.custom_title is None
    assert said(page) == [("assistant", "Hi!")]
    assert agents == ["a1"]
    assert said(agent_messages) == [("user", "p"), ("assistant", "done: p")]
    assert isinstance(fork, ForkSessionResult)
    assert (renamed.custom_title, renamed.tag) == ("Renamed", "t")
    assert [i.session_id for i in after] == [S1]


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


def test_all_file_io_of_the_async_forms_runs_off_the_event_loop(
    run: Runner, cwd: str, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = simple(S1, cwd).write(config)
    simple(S2, cwd).write(config)
    subagent(path.with_suffix("") / "subagents", "a1", {"toolUseId": "toolu_1"}, "p")
    calls: list[Callable[[], Awaitable[Any]]] = [
        lambda: alist_sessions(cwd),
        lambda: alist_sessions(),
        lambda: aget_session_info(S1),
        lambda: aget_session_messages(S1, cwd),
        lambda: alist_subagents(S1),
        lambda: aget_subagent_messages(S1, "a1"),
        lambda: arename_session(S1, "t"),
        lambda: atag_session(S1, "t"),
        lambda: afork_session(S1),
        lambda: adelete_session(S2),
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
            messages = await aget_session_messages(S1)
            assert len(messages) == 2
            tg.cancel_scope.cancel()
        return start, ticks

    start, end = run(main)
    assert end - start >= 5  # 0.3 s at a tick per 10 ms: far more if the loop is free


def test_a_cancelled_fork_stops_waiting_at_once_and_is_still_written_whole(
    run: Runner, cwd: str, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    simple(S1, cwd, "Original").write(config)
    real_fork_lines = session_files.fork_lines
    in_thread = threading.Event()
    finished = threading.Event()

    def slow_fork_lines(*args: Any) -> Any:
        in_thread.set()
        time.sleep(0.5)
        try:
            return real_fork_lines(*args)
        finally:
            finished.set()

    monkeypatch.setattr(session_files, "fork_lines", slow_fork_lines)

    async def main() -> tuple[ForkSessionResult | None, bool, float]:
        forked = None
        start = time.monotonic()
        with anyio.move_on_after(0.05) as scope:
            forked = await afork_session(S1)
        return forked, scope.cancelled_caught, time.monotonic() - start

    forked, cancelled, waited = run(main)
    assert forked is None and cancelled
    assert in_thread.is_set() and waited < 0.4  # did not wait for the thread
    assert finished.wait(5)
    deadline = time.monotonic() + 5
    while len(list_sessions(cwd)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)  # the thread writes the file just after fork_lines returns
    [fork] = [i for i in list_sessions(cwd) if i.session_id != S1]
    assert fork.custom_title == "Original (fork)"
    assert said(get_session_messages(fork.session_id)) == [
        ("user", "Original"),
        ("assistant", "Hi!"),
    ]


def test_the_sync_forms_iterate_outside_any_event_loop(cwd: str, config: Path) -> None:
    # What code written for claude_agent_sdk does; a coroutine here would be a TypeError.
    simple(S1, cwd).write(config)
    texts = [m.type for m in get_session_messages(S1, directory=cwd)]
    assert texts == ["user", "assistant"]
    assert [s.summary for s in list_sessions(directory=cwd)] == ["Hello there"]


# --------------------------------------------------------------------------
# End to end: the real CLI writes, ccsdk reads and changes, the real CLI resumes
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
    out: list[tuple[str, str]] = []
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
    cli_path: Path, fake_model: FakeModel, config: Path, tmp_path: Path
) -> Callable[..., ClaudeCodeOptions]:
    """Options for the real CLI on the FakeModel, with CLAUDE_CONFIG_DIR = tmp/config.

    ``config`` sets the same CLAUDE_CONFIG_DIR in this process, where the
    session functions read it.
    """
    home = tmp_path / "home"
    home.mkdir()

    def make(cwd: str, **kwargs: Any) -> ClaudeCodeOptions:
        env = fake_model.env(home=str(home))
        env["CLAUDE_CONFIG_DIR"] = str(config)
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
    run: Runner,
    fake_model: FakeModel,
    cli_env: Callable[..., ClaudeCodeOptions],
    config: Path,
    tmp_path: Path,
) -> None:
    # A long path with an accent, an emoji and a symlink: the CLI's naming rules all apply.
    real = tmp_path / ("caf\u00e9 \U0001f600 " + "d" * 120) / ("e" * 100)
    real.mkdir(parents=True)
    (tmp_path / "link").symlink_to(real)
    cwd = str(tmp_path / "link")
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
        seen: list[Any] = [await alist_sessions(cwd), await aget_session_messages(sid, cwd)]
        await arename_session(sid, "Capital talk")
        await atag_session(sid, "geo")
        seen.append(await alist_sessions())
        resumed = await ask(cli_env(cwd, resume="Capital talk"), "And the river?")
        seen.append(resumed.session_id)
        return sid, seen

    sid, (listed, messages, renamed, resumed_id) = run(main)
    [info] = listed
    assert (info.session_id, info.cwd) == (sid, str(real))
    assert (config / "projects" / project_dir_name(str(real)) / f"{sid}.jsonl").is_file()
    assert (info.first_prompt, info.custom_title, info.tag) == (
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
    assert {m.session_id for m in messages} == {sid}
    assert [(i.session_id, i.custom_title, i.tag, i.summary) for i in renamed] == [
        (sid, "Capital talk", "geo", "Capital talk")
    ]
    # The CLI found the session by the title ccsdk gave it, and sent the old turns.
    assert resumed_id == sid
    assert said_to_model(fake_model.turn_requests[2])[-5:] == [
        *said(messages),
        ("user", "And the river?"),
    ]
    # ...and kept the title and tag while it appended to the session: read synchronously.
    after = get_session_info(sid)
    assert after is not None and (after.custom_title, after.tag) == ("Capital talk", "geo")
    assert after.summary == "Capital talk"
    assert said(get_session_messages(sid))[-2:] == [
        ("user", "And the river?"),
        ("assistant", "The Seine."),
    ]


@pytest.mark.e2e
def test_a_fork_of_a_cli_session_is_resumed_by_the_cli_and_outlives_its_source(
    run: Runner, fake_model: FakeModel, cli_env: Callable[..., ClaudeCodeOptions], tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.txt").write_text("alpha\n")
    (work / "b.txt").write_text("beta\n")
    cwd = str(work)
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

    async def main() -> tuple[str, ForkSessionResult, list[SessionMessage]]:
        options = cli_env(cwd, allowed_tools=["Read"])
        async with ClaudeSDKClient(options) as client:
            for prompt in ("Read a.txt and b.txt", "Anything else?"):
                await client.query(prompt)
                replies = [m async for m in client.receive_response()]
        result = replies[-1]
        assert isinstance(result, ResultMessage)
        sid = result.session_id
        source = await aget_session_messages(sid)
        cut = next(m for m in source if said([m]) == [("assistant", "They say alpha and beta.")])
        fork = await afork_session(sid, up_to_message_id=cut.uuid, title="Tool fork")
        await adelete_session(sid)
        resumed = await ask(cli_env(cwd, resume=fork.session_id), "What did they say?")
        assert resumed.session_id == fork.session_id
        with pytest.raises(ProcessError, match=f"No conversation found with session ID: {sid}"):
            await ask(cli_env(cwd, resume=sid), "Is it gone?")
        return sid, fork, source

    sid, fork, source = run(main)
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
    info = get_session_info(fork.session_id, cwd)
    assert info is not None and info.custom_title == "Tool fork" and fork.session_id != sid
    # The CLI sent the fork's conversation, parallel calls and results included, not the rest.
    assert said_to_model(fake_model.turn_requests[3]) == [
        *said(source)[:7],
        ("user", "What did they say?"),
    ]
    assert said(get_session_messages(fork.session_id)) == [
        *said(source)[:7],
        ("user", "What did they say?"),
        ("assistant", "Answer in the fork."),
    ]


@pytest.mark.e2e
def test_the_subagents_of_a_cli_session_are_listed_and_read(
    run: Runner, fake_model: FakeModel, cli_env: Callable[..., ClaudeCodeOptions], tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    cwd = str(work)
    task_call = {
        "description": "look around",
        "prompt": "Say hi",
        "subagent_type": "general-purpose",
        "run_in_background": False,
    }
    fake_model.add_turns(
        Turn([tool_use("Task", task_call, id="toolu_task")]),  # main: start the subagent
        Turn([tool_use("Bash", {"command": "echo from-sub"}, id="toolu_sub")]),  # subagent
        Turn([text("sub says hi")]),  # subagent: its report
        Turn([text("main done")]),  # main again
    )

    async def main() -> list[Message]:
        options = cli_env(cwd, allowed_tools=["Task", "Bash"])
        return [m async for m in query(prompt="Start a subagent", options=options)]

    stream = run(main)
    result = stream[-1]
    assert isinstance(result, ResultMessage) and result.result == "main done"
    [started] = [m for m in stream if isinstance(m, TaskStartedMessage)]
    sid = result.session_id

    agents = list_subagents(sid, cwd)
    assert agents == [started.task_id]
    messages = get_subagent_messages(sid, agents[0], cwd)
    assert said(messages) == [
        ("user", "Say hi"),
        ("assistant", "call toolu_sub"),
        ("user", "result toolu_sub"),
        ("assistant", "sub says hi"),
    ]
    assert {(m.session_id, m.parent_tool_use_id, m.parent_agent_id) for m in messages} == {
        (sid, "toolu_task", None)
    }
    assert messages[2].message["content"][0]["content"] == "from-sub"
    assert said(get_subagent_messages(sid, agents[0], offset=3)) == [("assistant", "sub says hi")]
    # The session lists once, and its conversation holds the call and the subagent's report.
    assert [i.session_id for i in list_sessions(cwd)] == [sid]
    assert [w for _, w in said(get_session_messages(sid))] == [
        "Start a subagent",
        "call toolu_task",
        "result toolu_task",
        "main done",
    ]
    # Deleting the session deletes its subagents.
    delete_session(sid)
    assert list_subagents(sid) == [] and list_sessions(cwd) == []
