"""Shared fixtures: a real index (real Chroma, the real bundled model) of the example report in a temp folder,
and a real Chroma server on loopback for the store tests that run against both the embedded and the server mode."""
from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.components import Components  # noqa: E402
from settings import Settings  # noqa: E402

EXAMPLE = ROOT / "data" / "reports" / "xizhu-2018.txt"
EXAMPLE_ID = "xizhu-2018"


def settings_for(data_dir: Path, **overrides) -> Settings:
    return Settings(data_dir=data_dir, **overrides)


def components_with(settings: Settings, embeddings: Embeddings) -> Components:
    """Components that share one loaded model instead of loading their own."""
    built = Components(settings)
    built.__dict__["embeddings"] = embeddings
    return built


@pytest.fixture(scope="session")
def embeddings():
    from index.embeddings import load_embeddings

    return load_embeddings(Settings())


@pytest.fixture(scope="session")
def components(tmp_path_factory, embeddings) -> Components:
    built = components_with(settings_for(tmp_path_factory.mktemp("index")), embeddings)
    built.ingestor.add_file(EXAMPLE)
    return built


@pytest.fixture(scope="session")
def service(components):
    from assistant.service import AssistantService

    return AssistantService(components)


@pytest.fixture()
def fresh_components(tmp_path, embeddings) -> Components:
    return components_with(settings_for(tmp_path / "data"), embeddings)


def cli_env(data_dir: Path, settings: Settings | None = None, **extra: str) -> dict[str, str]:
    """The environment that points a subprocess at the same stores as `settings` (embedded or server)."""
    env = {**os.environ, "GIA_DATA_DIR": str(data_dir), **extra}
    if settings is not None and settings.chroma_host:
        env.update(CHROMA_HOST=settings.chroma_host, CHROMA_PORT=str(settings.chroma_port),
                   CHROMA_COLLECTION=settings.chroma_collection)
    if settings is not None and settings.database_url:
        env.update(GIA_DATABASE_URL=settings.database_url)
    return env


def run_cli(args: list[str], data_dir: Path, stdin: str = "", timeout: float = 600,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], input=stdin, capture_output=True, text=True, cwd=ROOT,
                          env=env or cli_env(data_dir), timeout=timeout)


@pytest.fixture(scope="session")
def cli_data_dir(tmp_path_factory, components) -> Path:
    """A data folder with the example indexed through the real `python -m index add`."""
    data_dir = tmp_path_factory.mktemp("cli")
    result = run_cli(["-m", "index", "add", str(EXAMPLE)], data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir


def copy_example(tmp_path: Path, name: str = "xizhu-2018.txt") -> Path:
    """The example under another name is another report only if its content differs (the index refuses
    a second copy of the same content), so a copy's sign-off date carries its name."""
    target = tmp_path / name
    if name == EXAMPLE.name:
        shutil.copy(EXAMPLE, target)
    else:
        text = EXAMPLE.read_text(encoding="utf-8")
        target.write_text(text.replace("填报日期:2019年1月21日", f"填报日期:2019年1月21日({Path(name).stem})"),
                          encoding="utf-8")
    return target


# --- Chroma server ------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """PR_SET_PDEATHSIG: a test session killed outright takes its server with it."""
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)


class ChromaServer:
    """`chroma run` in a subprocess on loopback, started and stopped by its process id."""

    def __init__(self, path: Path, port: int | None = None):
        self.path = path
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        chroma = Path(sys.executable).parent / "chroma"
        log = open(self.path.parent / f"chroma-{self.port}.log", "ab")
        self.process = subprocess.Popen([str(chroma), "run", "--path", str(self.path), "--host", "127.0.0.1",
                                         "--port", str(self.port)], stdout=log, stderr=log,
                                        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
                                        preexec_fn=_die_with_parent)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.process.returncode}; see {log.name}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"chroma run did not answer on port {self.port} within {timeout} s")

    def stop(self) -> None:
        """SIGKILL by pid: the harshest way a server goes away."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None


@pytest.fixture(scope="session")
def chroma_port(tmp_path_factory) -> Iterator[int]:
    """The server scripts/test.sh started for the run (CHROMA_TEST_PORT), else one for this session."""
    if os.environ.get("CHROMA_TEST_PORT"):
        yield int(os.environ["CHROMA_TEST_PORT"])
        return
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "db")
    server.start()
    yield server.port
    server.stop()


@pytest.fixture()
def own_chroma(tmp_path) -> Iterator[ChromaServer]:
    """A Chroma server of the test's own, for tests that stop or kill it."""
    server = ChromaServer(tmp_path / "chroma-db")
    server.start()
    yield server
    server.stop()


def server_settings(data_dir: Path, port: int, **overrides) -> Settings:
    """A collection of its own per test, so tests sharing one server never see each other's chunks."""
    return settings_for(data_dir, chroma_host="127.0.0.1", chroma_port=port,
                        chroma_collection=f"test-{uuid.uuid4().hex[:12]}", **overrides)


class MemoEmbeddings(Embeddings):
    """The real model's vectors, each text encoded once per session: store tests ingest the same report often."""

    def __init__(self, model: Embeddings):
        self.model = model
        self.documents: dict[str, list[float]] = {}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [text for text in dict.fromkeys(texts) if text not in self.documents]
        if missing:
            self.documents.update(zip(missing, self.model.embed_documents(missing)))
        return [self.documents[text] for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed_query(text)


@pytest.fixture(scope="session")
def memo_embeddings(embeddings) -> MemoEmbeddings:
    return MemoEmbeddings(embeddings)


# --- PostgreSQL server ---------------------------------------------------------------

@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The server scripts/test.sh started for the run (POSTGRES_TEST_URL), else one for this session (in a
    folder of /tmp: run as root, the server runs as `postgres`, which cannot enter pytest's private folders)."""
    if os.environ.get("POSTGRES_TEST_URL"):
        yield os.environ["POSTGRES_TEST_URL"]
        return
    folder = Path(tempfile.mkdtemp(prefix="gia-postgres-"))
    started = subprocess.run(["bash", str(ROOT / "scripts" / "postgres_server.sh"), str(folder)], capture_output=True,
                             text=True, check=True)
    pid = int(started.stdout.split()[1])
    try:
        yield (folder / "database.url").read_text().strip()
    finally:
        os.kill(pid, signal.SIGINT)  # fast shutdown: open connections of this session are cut
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture()
def postgres_database(postgres_url) -> Iterator[str]:
    """A database of this test's own on the shared server, dropped afterwards with whatever still uses it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(postgres_url).set(drivername="postgresql+psycopg"),
                          isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as db:
        db.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as db:
        db.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["embedded", "server", "postgres"])
def store_components(request, tmp_path, memo_embeddings) -> Iterator[Components]:
    """Empty stores: SQLite with embedded Chroma, SQLite with a Chroma server, PostgreSQL with a Chroma server."""
    if request.param == "embedded":
        settings = settings_for(tmp_path / "data")
    else:
        database_url = request.getfixturevalue("postgres_database") if request.param == "postgres" else ""
        settings = server_settings(tmp_path / "data", request.getfixturevalue("chroma_port"), database_url=database_url)
    built = components_with(settings, memo_embeddings)
    yield built
    if "reports" in built.__dict__:
        built.reports.close()
