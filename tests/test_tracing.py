"""OpenTelemetry propagation: the CLI joins the caller's trace through TRACEPARENT.

The environment checked is the one the child process really got
(``tests/fake_claude.py`` writes it to ``FAKE_CLAUDE_ENVFILE``).
opentelemetry-api and -sdk come with the ``test`` extra; ccsdk itself
neither depends on nor imports them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ccsdk import ClaudeCodeOptions, SpawnRequest, query, spawn_subprocess
from tests.conftest import ROOT, Runner
from tests.procs import fake_cli

trace = pytest.importorskip(
    "opentelemetry.trace", reason="opentelemetry is not installed: pip install -e '.[test]'"
)
sdk_trace = pytest.importorskip(
    "opentelemetry.sdk.trace", reason="opentelemetry-sdk is not installed: pip install -e '.[test]'"
)


@pytest.fixture(scope="module")
def tracer() -> Iterator[Any]:
    # A provider of our own, not the global one: other tests stay untouched.
    provider = sdk_trace.TracerProvider()
    yield provider.get_tracer("tests.test_tracing")
    provider.shutdown()


def child_env(run: Runner, tmp_path: Path, **options: Any) -> dict[str, str]:
    """Run one query against the stand-in; return the environment it started with."""
    tmp_path.mkdir(exist_ok=True)
    envfile = tmp_path / "env.json"
    cli = fake_cli(tmp_path, "plain", FAKE_CLAUDE_ENVFILE=str(envfile))

    async def main() -> None:
        async for _ in query(prompt="hi", options=ClaudeCodeOptions(cli_path=cli, **options)):
            pass

    run(main)
    env: dict[str, str] = json.loads(envfile.read_text())
    return env


def traceparent(span: Any) -> str:
    """The W3C traceparent of ``span``, built from its ids and flags."""
    context = span.get_span_context()
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"


def test_the_cli_started_inside_a_span_gets_its_traceparent(
    run: Runner, tmp_path: Path, tracer: Any
) -> None:
    with tracer.start_as_current_span("agent-run") as span:
        env = child_env(run, tmp_path)
    version, trace_id, span_id, flags = env["TRACEPARENT"].split("-")
    assert version == "00"
    assert trace_id == f"{span.get_span_context().trace_id:032x}"
    assert span_id == f"{span.get_span_context().span_id:016x}"
    assert int(flags, 16) & 1  # sampled: the CLI's spans are recorded too
    assert env["TRACEPARENT"] == traceparent(span)
    assert "TRACESTATE" not in env  # the span has none


def test_the_span_tracestate_goes_along(run: Runner, tmp_path: Path, tracer: Any) -> None:
    parent = trace.SpanContext(
        trace_id=0x0AF7651916CD43DD8448EB211C80319C,
        span_id=0xB7AD6B7169203331,
        is_remote=True,
        trace_flags=trace.TraceFlags(trace.TraceFlags.SAMPLED),
        trace_state=trace.TraceState([("vendor", "v1"), ("other", "o2")]),
    )
    context = trace.set_span_in_context(trace.NonRecordingSpan(parent))
    with tracer.start_as_current_span("agent-run", context=context) as span:
        env = child_env(run, tmp_path)
    # The caller's trace, continued with our span's id.
    assert env["TRACEPARENT"].startswith("00-0af7651916cd43dd8448eb211c80319c-")
    assert env["TRACEPARENT"] == traceparent(span)
    assert env["TRACESTATE"] == "vendor=v1,other=o2"


def test_no_span_active_means_no_trace_variables(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRACEPARENT", raising=False)
    monkeypatch.delenv("TRACESTATE", raising=False)
    assert trace.get_current_span() is trace.INVALID_SPAN
    env = child_env(run, tmp_path)
    assert "TRACEPARENT" not in env
    assert "TRACESTATE" not in env


def test_an_active_span_replaces_inherited_trace_variables_and_options_env_wins(
    run: Runner, tmp_path: Path, tracer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As when this program was itself started inside another trace.
    monkeypatch.setenv("TRACEPARENT", "00-11111111111111111111111111111111-2222222222222222-01")
    monkeypatch.setenv("TRACESTATE", "stale=1")
    with tracer.start_as_current_span("agent-run") as span:
        ours = child_env(run, tmp_path / "ours")
        pinned = child_env(
            run,
            tmp_path / "pinned",
            env={"TRACEPARENT": "00-33333333333333333333333333333333-4444444444444444-00"},
        )
    assert ours["TRACEPARENT"] == traceparent(span)
    assert "TRACESTATE" not in ours  # the stale state of the other trace is gone
    assert pinned["TRACEPARENT"] == "00-33333333333333333333333333333333-4444444444444444-00"


def test_a_spawn_hook_gets_the_trace_context_among_the_variables_to_forward(
    run: Runner, tmp_path: Path, tracer: Any
) -> None:
    """So wrap_command passes it over ssh, where the environment is not forwarded."""
    requests: list[SpawnRequest] = []

    async def spawn(request: SpawnRequest) -> Any:
        requests.append(request)
        return await spawn_subprocess(request)

    with tracer.start_as_current_span("agent-run") as span:
        env = child_env(run, tmp_path, spawn=spawn)
    assert requests[0].env_overrides["TRACEPARENT"] == traceparent(span)
    assert env["TRACEPARENT"] == requests[0].env_overrides["TRACEPARENT"]


def test_ccsdk_never_imports_opentelemetry_itself(tmp_path: Path) -> None:
    """A program that does not use opentelemetry does not load it through ccsdk,
    installed or not: import ccsdk stays fast."""
    cli = fake_cli(tmp_path, "plain")
    program = textwrap.dedent(
        f"""
        import sys, anyio, ccsdk

        async def main():
            options = ccsdk.ClaudeCodeOptions(cli_path={cli!r})
            async for _ in ccsdk.query(prompt="hi", options=options):
                pass

        anyio.run(main)
        loaded = sorted(m for m in sys.modules if m.startswith("opentelemetry"))
        assert not loaded, loaded
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
