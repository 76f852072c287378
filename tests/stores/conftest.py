"""Real servers for the session-store tests, started once per test run on loopback.

* PostgreSQL: a throwaway cluster (``initdb`` + ``pg_ctl``) in a temp dir,
  listening only on a unix socket there (no TCP). PostgreSQL refuses to run
  as root, so as root the cluster belongs to an unprivileged user
  (``postgres`` if it exists, else ``nobody``) and its commands run through
  ``runuser``.
* Redis: ``redis-server`` on 127.0.0.1 and a free port, no persistence.
  ``scripts/test.sh`` installs it (apt-get) when it is missing; if it is
  still missing these tests FAIL, they do not skip.
* S3: moto's server mode (``ThreadedMotoServer``) on 127.0.0.1, reached by
  plain boto3 clients through ``endpoint_url``.

Each server is stopped (and its files removed) when the run ends. A store
factory gives every conformance contract a store of its own (a new schema,
key prefix or object prefix) and closes them all afterwards.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

#: Where PostgreSQL's programs are on this machine's image (and on Debian's packages).
_PG_DIRS = (
    "/usr/local/bin",
    "/usr/local/pgsql/bin",
    *sorted(glob.glob("/usr/lib/postgresql/*/bin")),
)


def _pg_program(name: str) -> str:
    found = shutil.which(name) or next(
        (str(Path(d) / name) for d in _PG_DIRS if (Path(d) / name).is_file()), None
    )
    if found is None:
        pytest.fail(f"{name} not found: the PostgreSQL store's tests need PostgreSQL's programs")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_conninfo() -> Iterator[str]:
    """A libpq connection string to a fresh PostgreSQL cluster, stopped at the end."""
    initdb, pg_ctl = _pg_program("initdb"), _pg_program("pg_ctl")
    base = Path(tempfile.mkdtemp(prefix="ccsdk-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = "postgres"
        try:
            pwd.getpwnam(user)
        except KeyError:
            user = "nobody"
        prefix = ["runuser", "-u", user, "--"]
        owner = pwd.getpwnam(user)
        os.chmod(base, 0o755)
        os.chown(base, owner.pw_uid, owner.pw_gid)
    data, sock, logfile = base / "data", base / "sock", base / "log"
    run_as = [*prefix]
    subprocess.run([*run_as, "mkdir", "-m", "700", str(sock)], check=True)
    subprocess.run(
        [*run_as, initdb, "-D", str(data), "-U", "ccsdk", "-A", "trust", "--no-sync", "-E", "UTF8"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = 5432
    opts = (
        f"-c listen_addresses='' -k {sock} -p {port} -c fsync=off -c full_page_writes=off"
        " -c synchronous_commit=off -c shared_buffers=16MB -c max_connections=40"
    )
    subprocess.run(
        [
            *run_as,
            pg_ctl,
            "-D",
            str(data),
            "-l",
            str(logfile),
            "-o",
            opts,
            "-w",
            "-t",
            "60",
            "start",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"host={sock} port={port} user=ccsdk dbname=postgres"
    finally:
        subprocess.run(
            [*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A ``redis://`` URL of a redis-server on loopback, stopped at the end."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail(
            "redis-server is not installed, so the Redis store cannot be tested: "
            "run scripts/test.sh (it installs Debian's redis-server as root), "
            "or `apt-get install redis-server`"
        )
    import redis

    base = Path(tempfile.mkdtemp(prefix="ccsdk-redis-"))
    port = _free_port()
    proc = subprocess.Popen(
        [
            server,
            "--bind", "127.0.0.1",
            "--port", str(port),
            "--save", "",
            "--appendonly", "no",
            "--dir", str(base),
            "--maxmemory", "64mb",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start on 127.0.0.1:{port}")
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def s3_client_kwargs() -> Iterator[dict[str, Any]]:
    """boto3 ``client("s3", **kwargs)`` arguments for a moto S3 server on loopback."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield {
            "endpoint_url": f"http://{host}:{port}",
            "region_name": "us-east-1",
            "aws_access_key_id": "ccsdk-test",
            "aws_secret_access_key": "ccsdk-test",
        }
    finally:
        server.stop()


_counter = itertools.count()


def unique(stem: str) -> str:
    """A name no other store of this run uses."""
    return f"{stem}{os.getpid()}x{next(_counter)}"


@pytest.fixture
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], Any]]:
    """``make_store(kind)``: a new, empty store of that kind; all are closed after the test.

    Each store is isolated from every other: its own SQLite file, PostgreSQL
    schema, Redis key prefix or S3 object prefix (on the session's servers).
    """
    made: list[Any] = []
    bucket: list[str] = []

    def make(kind: str) -> Any:
        import ccsdk

        store: Any
        if kind == "memory":
            store = ccsdk.InMemorySessionStore()
        elif kind == "sqlite":
            store = ccsdk.SQLiteSessionStore(tmp_path / f"{unique('s')}.db")
        elif kind == "postgres":
            import psycopg

            conninfo = request.getfixturevalue("postgres_conninfo")
            schema = unique("t")
            with psycopg.connect(conninfo, autocommit=True) as admin:
                admin.execute(f"CREATE SCHEMA {schema}")
            store = ccsdk.PostgresSessionStore(conninfo, options=f"-c search_path={schema}")
        elif kind == "redis":
            url = request.getfixturevalue("redis_url")
            store = ccsdk.RedisSessionStore(url, prefix=f"{unique('t')}:")
        elif kind == "s3":
            kwargs = request.getfixturevalue("s3_client_kwargs")
            if not bucket:
                import boto3

                bucket.append(unique("ccsdk-test-"))
                boto3.client("s3", **kwargs).create_bucket(Bucket=bucket[0])
            store = ccsdk.S3SessionStore(bucket[0], prefix=f"{unique('t')}/", **kwargs)
        else:
            raise ValueError(kind)
        made.append(store)
        return store

    yield make

    async def close() -> None:
        for store in made:
            if hasattr(store, "aclose"):
                await store.aclose()

    anyio.run(close)
