"""The initialize request built from the options, and the check of its answer."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from ccsdk import ClaudeAgentOptions, ClaudeCodeOptions
from ccsdk._errors import CLIConnectionError
from ccsdk.runtime._callbacks import Callbacks
from ccsdk.runtime._initialize import build_initialize, check_answer, stamp_user_message
from ccsdk.types import AgentDefinition, HookContext, HookMatcher

HOOKS = {"PreToolUse": [{"matcher": None, "hookCallbackIds": ["hook_0"]}]}


def test_defaults_send_only_hooks() -> None:
    assert build_initialize(ClaudeCodeOptions(), None) == {"subtype": "initialize", "hooks": None}
    assert build_initialize(ClaudeCodeOptions(), HOOKS)["hooks"] is HOOKS


@pytest.mark.parametrize(
    ("kwargs", "fields"),
    [
        ({"system_prompt": "Be brief."}, {"systemPrompt": ["Be brief."]}),
        ({"system_prompt": ""}, {"systemPrompt": [""]}),  # an empty prompt, on purpose
        (
            {"system_prompt": {"type": "custom", "prompt": "P", "snapshot": False}},
            {"systemPrompt": ["P"], "systemPromptSnapshot": False},
        ),
        (
            {
                "system_prompt": {
                    "type": "preset",
                    "preset": "claude_code",
                    "append": "A",
                    "exclude_dynamic_sections": True,
                    "snapshot": True,
                }
            },
            {
                "appendSystemPrompt": "A",
                "excludeDynamicSections": True,
                "systemPromptSnapshot": True,
            },
        ),
        ({"system_prompt": {"type": "preset", "preset": "claude_code"}}, {}),
        ({"system_prompt": {"type": "file", "path": "/p"}}, {}),  # --system-prompt-file
        (
            {"system_prompt": "S", "append_system_prompt": "A"},
            {"systemPrompt": ["S"], "appendSystemPrompt": "A"},
        ),
        (
            {
                "system_prompt": {"type": "preset", "preset": "claude_code"},
                "append_system_prompt": "A",
            },
            {"appendSystemPrompt": "A"},
        ),
        (
            {"output_format": {"type": "json_schema", "schema": {"type": "object"}}},
            {"jsonSchema": {"type": "object"}},
        ),
        ({"tool_aliases": {"Shell": "Bash"}}, {"toolAliases": {"Shell": "Bash"}}),
        ({"tool_aliases": {}}, {}),
        ({"title": "My run"}, {"title": "My run"}),
        (
            {
                "mcp_servers": {
                    "calc": {"type": "sdk", "name": "calculator", "instance": object()},
                    "web": {"type": "http", "url": "https://x"},
                }
            },
            # The key, which mcp_message names; the rest as the CLI reads them.
            {
                "sdkMcpServers": ["calc"],
                "mcpServers": {"web": {"type": "http", "url": "https://x"}},
            },
        ),
        ({"mcp_servers": "/etc/mcp.json"}, {}),
        (
            {"mcp_servers": '{"mcpServers": {"x": {"command": "c", "env": {"K": "v"}}}}'},
            {"mcpServers": {"x": {"command": "c", "env": {"K": "v"}}}},
        ),
        ({"skills": ["pdf", "plug:x"]}, {"skills": ["pdf", "plug:x"]}),
        ({"skills": []}, {"skills": []}),  # a filter that lists no skill
        ({"skills": "all"}, {}),  # "all" and None are no filter, as upstream
        ({"forward_subagent_text": True}, {"forwardSubagentText": True}),
        ({"forward_subagent_text": False}, {}),
        ({"verbatim_prompts": True}, {}),  # on each user message instead
    ],
)
def test_fields(kwargs: dict[str, Any], fields: dict[str, Any]) -> None:
    request = build_initialize(ClaudeCodeOptions(**kwargs), None)
    assert request == {"subtype": "initialize", "hooks": None, **fields}


def test_agents_drop_none_values_and_keep_camel_case() -> None:
    reviewer = AgentDefinition(
        description="Reviews code",
        prompt="You review.",
        tools=["Read"],
        model=None,
        disallowedTools=["Bash"],
        maxTurns=3,
    )
    options = ClaudeAgentOptions(agents={"reviewer": reviewer})
    assert build_initialize(options, None)["agents"] == {
        "reviewer": {
            "description": "Reviews code",
            "prompt": "You review.",
            "tools": ["Read"],
            "disallowedTools": ["Bash"],
            "maxTurns": 3,
        }
    }
    assert reviewer.model is None  # the caller's definition is not modified


def test_agents_given_as_dicts_as_older_ccsdk_took_them_still_work() -> None:
    agents: Any = {"r": {"description": "d", "prompt": "p", "model": None}}
    options = ClaudeCodeOptions(agents=agents)
    assert build_initialize(options, None)["agents"] == {"r": {"description": "d", "prompt": "p"}}


def test_the_instance_never_leaves() -> None:
    options = ClaudeCodeOptions(
        mcp_servers={"s": {"type": "sdk", "name": "s", "instance": object()}}
    )
    assert "instance" not in repr(build_initialize(options, None))


def test_check_answer_warns_for_a_dropped_agent(caplog: pytest.LogCaptureFixture) -> None:
    options = ClaudeCodeOptions(
        agents={
            "kept": {"description": "d", "prompt": "p"},
            "lost": {"description": "d", "prompt": "p"},
        }
    )
    with caplog.at_level(logging.WARNING, logger="ccsdk"):
        check_answer(options, {"agents": [{"name": "kept"}, {"name": "Explore"}]})
    assert [r.getMessage() for r in caplog.records] == [
        "the CLI did not register agent(s) 'lost' from initialize; calls to them will fail"
    ]


@pytest.mark.parametrize("answer", [{"agents": [{"name": "a"}]}, {}, {"agents": "nonsense"}])
def test_check_answer_quiet(answer: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    options = ClaudeCodeOptions(agents={"a": {"description": "d", "prompt": "p"}})
    with caplog.at_level(logging.WARNING, logger="ccsdk"):
        check_answer(options, answer)
        check_answer(ClaudeCodeOptions(), {"agents": []})
    assert caplog.records == []


def test_path_in_file_prompt_is_not_read(tmp_path: Path) -> None:
    # The CLI reads the file; ccsdk sends the path only (a missing file is the CLI's error).
    options = ClaudeCodeOptions(system_prompt={"type": "file", "path": tmp_path / "absent"})
    assert build_initialize(options, None) == {"subtype": "initialize", "hooks": None}


@pytest.mark.parametrize("cls", [ClaudeAgentOptions, ClaudeCodeOptions])
def test_both_classes_build_the_same_request(
    cls: type[ClaudeAgentOptions | ClaudeCodeOptions],
) -> None:
    options = cls(skills=["pdf"], forward_subagent_text=True, title="T")
    assert build_initialize(options, None) == {
        "subtype": "initialize",
        "hooks": None,
        "skills": ["pdf"],
        "forwardSubagentText": True,
        "title": "T",
    }
    # ClaudeAgentOptions' empty default prompt is a flag (--system-prompt=), not here.
    assert "systemPrompt" not in build_initialize(cls(), None)


def _hook_options(on_failure: Any) -> ClaudeAgentOptions:
    async def hook(data: dict[str, Any], tool_use_id: str | None, ctx: HookContext) -> Any:
        return {}

    return ClaudeAgentOptions(
        hooks={"PreToolUse": [HookMatcher("Bash", [hook], timeout=5, on_failure=on_failure)]}
    )


@pytest.mark.parametrize("on_failure", ["block", "continue"])
def test_hook_on_failure_is_sent_as_on_failure(on_failure: str) -> None:
    options = _hook_options(on_failure)
    hooks = Callbacks(options).hooks_for_initialize()
    assert hooks == {
        "PreToolUse": [
            {
                "matcher": "Bash",
                "hookCallbackIds": ["hook_0"],
                "timeout": 5,
                "onFailure": on_failure,
            }
        ]
    }
    assert "onFailure" not in Callbacks(_hook_options(None)).hooks_for_initialize()["PreToolUse"][0]


def test_a_blocking_hook_needs_a_cli_that_honours_it() -> None:
    options = _hook_options("block")
    check_answer(options, {"hook_on_failure_supported": True})
    with pytest.raises(CLIConnectionError, match="does not honor on_failure"):
        check_answer(options, {})
    with pytest.raises(CLIConnectionError, match="already running"):
        check_answer(options, {"hook_on_failure_supported": True, "hooks_applied": False})
    # "continue" fails open anyway: nothing to check.
    check_answer(_hook_options("continue"), {})


@pytest.mark.parametrize("verbatim", [True, False])
def test_verbatim_prompts_marks_every_user_message(verbatim: bool) -> None:
    options = ClaudeCodeOptions(verbatim_prompts=verbatim)
    user = {"type": "user", "message": {"role": "user", "content": "@/etc/passwd"}}
    stamped = stamp_user_message({**user, "client_composed": False}, options)
    assert stamped.get("client_composed") is verbatim
    control = {"type": "control_request", "request_id": "r", "request": {}}
    assert stamp_user_message(control, options) is control


@pytest.mark.parametrize(
    ("version", "warned"), [("2.1.331", False), ("2.1.248", False), ("2.1.247", True), (None, True)]
)
def test_verbatim_prompts_warns_on_a_cli_that_ignores_it(
    version: str | None, warned: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="ccsdk")
    answer = {} if version is None else {"claude_code_version": version}
    check_answer(ClaudeAgentOptions(verbatim_prompts=True), answer)
    check_answer(ClaudeAgentOptions(), {"claude_code_version": "2.1.200"})  # off: no warning
    assert any("verbatim_prompts" in r.getMessage() for r in caplog.records) is warned


def test_mcp_servers_sent_in_initialize_must_be_applied() -> None:
    """A CLI that did not take the servers is an error at connect, not a session
    whose MCP tools are silently missing."""
    options = ClaudeCodeOptions(mcp_servers={"x": {"command": "c"}})
    check_answer(options, {"mcp_servers_applied": True})
    with pytest.raises(CLIConnectionError, match="did not take the MCP servers"):
        check_answer(options, {"mcp_servers_applied": False, "claude_code_version": "2.1.331"})
    with pytest.raises(CLIConnectionError, match=r"2\.1\.300 does not read MCP servers"):
        check_answer(options, {"claude_code_version": "2.1.300"})
    # Nothing sent, nothing to check: a path, or only in-process servers.
    check_answer(ClaudeCodeOptions(mcp_servers="/etc/mcp.json"), {})
    sdk = ClaudeCodeOptions(mcp_servers={"s": {"type": "sdk", "name": "s", "instance": None}})
    check_answer(sdk, {})


def test_settings_sent_in_initialize_must_be_applied() -> None:
    """Settings carry sandbox and permission rules: a CLI that ran without them
    must not be a session that silently has neither."""
    options = ClaudeCodeOptions(settings='{"permissions": {"deny": ["Bash"]}}')
    check_answer(options, {"settings_applied": True})
    for answer in ({"settings_applied": False}, {}):
        with pytest.raises(CLIConnectionError, match="did not apply the settings"):
            check_answer(options, answer)
    check_answer(ClaudeCodeOptions(settings="/etc/settings.json"), {})  # a path: not sent
