"""Shared fixtures: a real index (real Chroma, the real bundled model) of the example report in a temp folder."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def embeddings():
    from index.embeddings import load_embeddings

    return load_embeddings(Settings())


@pytest.fixture(scope="session")
def components(tmp_path_factory, embeddings) -> Components:
    built = Components(settings_for(tmp_path_factory.mktemp("index")))
    built.__dict__["embeddings"] = embeddings  # one model load for the whole session
    built.ingestor.add_file(EXAMPLE)
    return built


@pytest.fixture(scope="session")
def service(components):
    from assistant.service import AssistantService

    return AssistantService(components)


@pytest.fixture()
def fresh_components(tmp_path, embeddings) -> Components:
    built = Components(settings_for(tmp_path / "data"))
    built.__dict__["embeddings"] = embeddings
    return built


def run_cli(args: list[str], data_dir: Path, stdin: str = "", timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIA_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, *args], input=stdin, capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=timeout)


@pytest.fixture(scope="session")
def cli_data_dir(tmp_path_factory, components) -> Path:
    """A data folder with the example indexed through the real `python -m index add`."""
    data_dir = tmp_path_factory.mktemp("cli")
    result = run_cli(["-m", "index", "add", str(EXAMPLE)], data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir


def copy_example(tmp_path: Path, name: str = "xizhu-2018.txt") -> Path:
    target = tmp_path / name
    shutil.copy(EXAMPLE, target)
    return target
