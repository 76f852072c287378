"""ccsdk against the committed snapshot of the official SDKs' public surface.

``tests/official_surface.json`` is written by ``scripts/official_surface.py``
from ``claude-agent-sdk`` 0.2.190 and ``claude-code-sdk`` 0.0.25 installed in
a throwaway virtualenv; this test only reads it. Every name there must exist
in ``ccsdk`` / ``ccsdk.types`` with the same kind, signature, fields,
defaults and bases, unless the snapshot's ``deliberate`` section names the
difference with its reason.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "official_surface", ROOT / "scripts" / "official_surface.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["official_surface"] = module  # dataclasses resolve the module by name
    spec.loader.exec_module(module)
    return module


surface = _load_script()


@pytest.fixture(scope="module")
def snapshot() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(surface.SNAPSHOT.read_text(encoding="utf-8"))
    return data


def test_the_snapshot_is_of_the_pinned_official_releases(snapshot: dict[str, Any]) -> None:
    assert snapshot["versions"] == surface.OFFICIAL
    assert set(snapshot["modules"]) == set(surface.MODULES)
    # The whole surface, not a sample: 158 + 155 names of claude_agent_sdk, 34 + 42 of
    # claude_code_sdk.
    assert {m: len(names) for m, names in snapshot["modules"].items()} == {
        "claude_agent_sdk": 158,
        "claude_agent_sdk.types": 155,
        "claude_code_sdk": 34,
        "claude_code_sdk.types": 42,
    }


def test_ccsdk_has_the_official_surface(snapshot: dict[str, Any]) -> None:
    problems = surface.unexplained(snapshot)
    assert not problems, f"{len(problems)} unexplained differences:\n" + "\n".join(
        map(str, problems)
    )


@pytest.mark.parametrize("section", ["deliberate", "pending"])
def test_every_listed_difference_has_a_reason_and_still_exists(
    snapshot: dict[str, Any], section: str
) -> None:
    listed: dict[str, str] = snapshot[section]
    assert all(isinstance(r, str) and len(r) > 20 for r in listed.values())
    found = {d.key for d in surface.compare(snapshot)}
    names = {k.split(":", 1)[0] for k in found}
    stale = [
        key for key in listed if key not in found and not (key.endswith(":*") and key[:-2] in names)
    ]
    assert not stale, f"listed as {section} but no longer different: {stale}"


def test_what_is_pending_names_the_issue_that_builds_it(snapshot: dict[str, Any]) -> None:
    assert all(re.search(r"\bissue \d+\b", why) for why in snapshot["pending"].values())


def test_the_deliberate_differences_are_in_the_migration_guide(
    snapshot: dict[str, Any],
) -> None:
    guide = (ROOT / "docs" / "migration.md").read_text(encoding="utf-8")
    section = guide.split("## Deliberate differences", 1)[1].split("\n## ", 1)[0]
    missing = sorted(
        {
            key.split(":", 1)[0].rsplit(".", 1)[1]
            for key in snapshot["deliberate"]
            if key.split(":", 1)[0].rsplit(".", 1)[1] not in section
        }
    )
    assert not missing, f"names with deliberate differences the guide does not mention: {missing}"


@pytest.mark.parametrize(
    ("module", "name", "change", "aspect"),
    [
        # A changed default, a reordered field, a sync function made async, a lost base.
        ("claude_agent_sdk.types", "ClaudeAgentOptions", "default", "field tools"),
        ("claude_agent_sdk.types", "ResultMessage", "order", "fields"),
        ("claude_agent_sdk", "list_sessions", "async", "kind"),
        ("claude_agent_sdk", "ResultError", "base", "bases"),
        ("claude_agent_sdk", "query", "param", "signature"),
        ("claude_agent_sdk.types", "HookJSONOutput", "member", "members"),
        ("claude_agent_sdk.types", "PreToolUseHookInput", "key", "keys"),
        ("claude_agent_sdk.types", "UnheardOf", "new", "missing"),
    ],
)
def test_a_drift_is_caught(
    snapshot: dict[str, Any], module: str, name: str, change: str, aspect: str
) -> None:
    """A snapshot that says something ccsdk does not do yields a difference."""
    planted = copy.deepcopy(snapshot)
    names = planted["modules"][module]
    desc = names.get(name)
    if change == "default":
        desc["fields"][0][1] = "planted"
    elif change == "order":
        desc["fields"][0], desc["fields"][1] = desc["fields"][1], desc["fields"][0]
    elif change == "async":
        desc["kind"] = "async function"
    elif change == "base":
        desc["bases"] = ["PlantedBase"]
    elif change == "param":
        desc["params"].insert(0, ["planted", "POSITIONAL_OR_KEYWORD", "<required>"])
    elif change == "member":
        desc["members"].append("PlantedOutput")
    elif change == "key":
        desc["required"].append("planted_key")
    else:
        names[name] = {"kind": "class", "bases": [], "mro": [], "methods": {}, "abstract": []}
    keys = {d.key for d in surface.compare(planted)}
    assert f"{module}.{name}:{aspect}" in keys
