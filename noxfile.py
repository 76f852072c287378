"""Developer tasks: `nox -s tests`, `nox -s lint`, `nox -s typecheck`, `nox -s docs`,
`nox -s bench`, `nox -s differential`."""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["lint", "typecheck", "tests"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """The whole suite, trio and asyncio, with the pinned real CLI.

    The dev extra: the suite also builds the docs and runs both type checkers.
    """
    session.install("-e", ".[dev]")
    session.run("python", "-m", "ccsdk.testing.install")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff", "import-linter", "-e", ".")
    session.run("ruff", "check", "ccsdk", "tests", "examples", "noxfile.py")
    session.run("lint-imports")  # the layer contracts in pyproject.toml


@nox.session
def typecheck(session: nox.Session) -> None:
    session.install("-e", ".[dev]")
    session.run("mypy", "--strict", "ccsdk", "tests/typecheck")
    session.run("pyright")  # strict, as [tool.pyright] in pyproject.toml says


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site (mkdocs.yml) into site/; any warning fails it.

    `nox -s docs -- serve` (or any other mkdocs command) runs that instead.
    """
    session.install(".[docs]")
    args = session.posargs or ["build", "--strict"]
    session.run("mkdocs", *args)


@nox.session
def bench(session: nox.Session) -> None:
    """The benchmark suite (benchmarks/run.py); not in the default sessions.

    Arguments after `--` go to it: `nox -s bench -- --quick`, `--reps 3`,
    `--rows small,turns`, `--json out.json`, `--update-docs`.
    """
    session.install("-e", ".")
    session.run("python", "-m", "benchmarks.run", *session.posargs)


#: The official SDKs the differential programs are written against.
OFFICIAL_SDKS = ("claude-agent-sdk==0.2.190", "claude-code-sdk==0.0.25")


@nox.session
def differential(session: nox.Session) -> None:
    """Run tests/differential/programs against the official SDKs and ccsdk; compare.

    Not in the default sessions, nor in CI: the official wheel is large (it bundles
    a CLI). The official SDKs go into a virtualenv of their own beside this one
    (.nox/differential-official), ccsdk into this one; both drive the pinned CLI
    against ccsdk's FakeModel. Arguments after `--` go to tests/differential/run.py:
    `nox -s differential -- --only hooks,sessions --verbose`, `--out DIR`, `--keep`.
    """
    session.install("-e", ".")
    session.run("python", "-m", "ccsdk.testing.install")
    official = Path(session.virtualenv.location).parent / "differential-official"
    python = official / "bin" / "python"
    if not python.exists():
        session.run("python", "-m", "venv", str(official))
    session.run(str(python), "-m", "pip", "install", "-q", *OFFICIAL_SDKS, external=True)
    session.run(
        "python",
        "tests/differential/run.py",
        "--official-python",
        str(python),
        *session.posargs,
    )
