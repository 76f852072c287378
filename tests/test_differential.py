"""The differential runner's own logic (tests/differential/run.py), without running it.

`nox -s differential` runs the programs against the official SDK; here only the
parts that decide what counts as a difference are checked, with no official
package installed.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

DIFFERENTIAL = Path(__file__).resolve().parent / "differential"


@pytest.fixture(scope="module")
def runner() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("differential_run", DIFFERENTIAL / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def test_every_program_has_a_script_and_names_only_the_official_packages(
    runner: ModuleType,
) -> None:
    programs = sorted((DIFFERENTIAL / "programs").glob("*.py"))
    assert len(programs) >= 8
    assert sorted(p.stem for p in programs) == sorted(runner.SCRIPTS)
    for program in programs:
        source = program.read_text()
        assert "claude_agent_sdk" in source or "claude_code_sdk" in source, program.name
        assert "ccsdk" not in source, program.name
        rewritten = runner.as_ccsdk(source)
        assert "claude_agent_sdk" not in rewritten and "claude_code_sdk" not in rewritten
        compile(rewritten, program.name, "exec")


def test_the_allow_list_is_well_formed(runner: ModuleType) -> None:
    allow = runner.load_allow_list(runner.ALLOW_LIST)
    assert set(allow) <= {*runner.SCRIPTS, "*"}
    json.loads(runner.ALLOW_LIST.read_text())


def test_the_exception_line_is_the_end_of_the_last_traceback(runner: ModuleType) -> None:
    stderr = (
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in <module>\n'
        "    main()\n"
        "ccsdk._errors.ResultError: Claude Code returned an error result\n"
        "sys:1: RuntimeWarning: coroutine 'f' was never awaited\n"
    )
    assert (
        runner.raised(stderr) == "ccsdk._errors.ResultError: Claude Code returned an error result"
    )
    assert runner.raised("just a warning\n") is None


def test_a_difference_is_allowed_only_by_a_matching_pattern(runner: ModuleType) -> None:
    official = runner.Run(["same", "plain SystemMessage: init", "[exit code 0]"], 0, "")
    ours = runner.Run(["same", "SystemMessage subclass: InitMessage init", "[exit code 0]"], 0, "")
    allow = {"p": [{"line pattern": r"SystemMessage", "reason": "subclasses"}]}
    outcome = runner.compare("p", official, ours, allow)
    assert outcome.status == "allowed"
    assert len(outcome.allowed) == 2
    assert runner.compare("p", official, ours, {}).status == "DIFFERS"
    assert runner.compare("p", official, official, {}).status == "same"


def test_volatile_values_are_normalised(runner: ModuleType, tmp_path: Path) -> None:
    line = (
        f"{tmp_path}/x 0b2a3c4d-1111-2222-3333-444455556666 at 0xdeadbeef00 "
        "127.0.0.1:40123 claude_agent_sdk.types ccsdk.types"
    )
    assert runner.normalise(line, tmp_path) == (
        "<tmp>/x <uuid> at <address> 127.0.0.1:<port> <sdk>.types <sdk>.types"
    )
