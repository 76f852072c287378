"""The benchmark suite runs (``--quick``, tiny counts); its figures are not checked here.

Speed is measured by ``nox -s bench``, never by timed assertions in tests:
this only proves that every row still runs on both backends and reports.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_benchmark_suite_runs_in_quick_mode(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    docs = tmp_path / "performance.md"
    argv = [sys.executable, "-m", "benchmarks.run", "--quick"]
    proc = subprocess.run(
        [*argv, "--json", str(out), "--update-docs", str(docs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    rows = {(r["row"], r["backend"]) for r in report["results"]}
    for row in ("small", "large", "huge", "huge-memory", "mirror", "turns", "sessions"):
        assert {(row, "trio"), (row, "asyncio")} <= rows, row
    assert ("import", "any") in rows
    for result in report["results"]:
        assert result["sdk"] > 0 or result["unit"].startswith("B"), result
    assert "<!-- bench:begin" in docs.read_text()
