"""Chunks in Chroma, through LangChain: embedded on disk by default, a Chroma server when configured."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import chromadb
import httpx
import numpy as np
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaClientSettings
from chromadb.errors import InternalError
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from index.chunking import Chunk
from settings import Settings

T = TypeVar("T")
BATCH = 1000  # under Chroma's largest accepted batch
# Up to this many reports in scope, their vectors are compared one by one (~12 a report; 15-20 ms at 123,000
# vectors, as long as HNSW's filtered search): HNSW misses a few reports' chunks among many copies of the same text.
EXACT_SCOPE_REPORTS = 50

# A server that is down, restarting or dropped the connection; InternalError is what an embedded
# store raises when it cannot write its files (a full disk).
_UNAVAILABLE = (httpx.TransportError, ConnectionError, InternalError)


class VectorStoreUnavailable(RuntimeError):
    """The vector store cannot be reached (a Chroma server that is down) or cannot write."""


def describe(settings: Settings) -> str:
    if settings.chroma_host:
        return f"Chroma 服务器 {settings.chroma_host}:{settings.chroma_port}"
    return f"Chroma 数据目录 {settings.chroma_dir}"


def make_client(settings: Settings) -> chromadb.ClientAPI:
    client_settings = ChromaClientSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_host:
            return _http_client(settings, client_settings)
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return _persistent_client(settings, client_settings)
    except (*_UNAVAILABLE, httpx.HTTPError, OSError, ValueError) as exc:  # chromadb: refused connection = ValueError
        raise VectorStoreUnavailable(f"{describe(settings)}不可用: {exc}") from exc


def _persistent_client(settings: Settings, client_settings: ChromaClientSettings) -> chromadb.ClientAPI:
    """chromadb caches one System per folder for the process, even one whose start failed (an unreadable or
    broken chroma.sqlite3): every later open would then fail with an AttributeError. A failed one is
    dropped, so the next question tries afresh and recovers once the folder is usable again."""
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=client_settings)
    except Exception:
        SharedSystemClient._identifier_to_system.pop(str(settings.chroma_dir), None)
        raise


def _http_client(settings: Settings, client_settings: ChromaClientSettings) -> chromadb.ClientAPI:
    """chromadb's HTTP session never times out, so a hung server would hang every question: a heartbeat
    with a timeout comes first (the client's own ping on creation has none), then the session gets one."""
    base = f"http://{settings.chroma_host}:{settings.chroma_port}"
    httpx.get(f"{base}/api/v2/heartbeat", timeout=settings.chroma_timeout_s).raise_for_status()
    client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=client_settings)
    client._server._session.timeout = httpx.Timeout(settings.chroma_timeout_s)
    return client


def report_filter(report_ids: list[str]) -> dict | None:
    if not report_ids:
        return None
    return {"report": report_ids[0]} if len(report_ids) == 1 else {"report": {"$in": report_ids}}


def _exact_search(store: Chroma, query_vector: list[float], k: int, where: dict) -> list[tuple[Document, float]]:
    got = store._collection.get(where=where, include=["embeddings", "documents", "metadatas"])
    if not got["ids"]:
        return []
    vectors = np.asarray(got["embeddings"], dtype=np.float32)
    query = np.asarray(query_vector, dtype=np.float32)
    similarity = vectors @ query / np.maximum(np.linalg.norm(vectors, axis=1) * np.linalg.norm(query), 1e-12)
    best = np.argsort(-similarity, kind="stable")[:k]
    return [(Document(page_content=got["documents"][i], metadata=got["metadatas"][i], id=got["ids"][i]),
             float(similarity[i])) for i in best]


def chunk_metadata(chunk: Chunk) -> dict:
    return {"chunk_id": chunk.chunk_id, "report": chunk.report_id, "kind": chunk.kind, "heading": chunk.heading,
            "body": chunk.body, "position": chunk.position}


class ChunkVectorStore:
    """Cosine space, so that a distance converts to a similarity the refusal threshold can read.

    Every call that fails to reach the store raises VectorStoreUnavailable and drops the client,
    so the call after a server restart connects afresh."""

    def __init__(self, settings: Settings, embeddings: Embeddings):
        self._settings = settings
        self._embeddings = embeddings
        self._store: Chroma | None = None

    @property
    def store(self) -> Chroma:
        if self._store is None:
            self._store = Chroma(
                collection_name=self._settings.chroma_collection,
                embedding_function=self._embeddings,
                client=make_client(self._settings),
                collection_configuration={"hnsw": {"space": "cosine"}},
            )
        return self._store

    def reset_connection(self) -> None:
        """Forget the client so the next call reconnects (a restarted server)."""
        self._store = None

    def _call(self, action: Callable[[Chroma], T]) -> T:
        try:
            return action(self.store)
        except _UNAVAILABLE as exc:
            self.reset_connection()
            raise VectorStoreUnavailable(f"{describe(self._settings)}不可用: {exc}") from exc

    def check(self) -> None:
        """Raises VectorStoreUnavailable now, before a caller changes anything else."""
        self.count()

    def add_chunks(self, chunks: list[Chunk]) -> int:
        """Upsert by chunk id, so running it again after a crash adds nothing twice. Ids carry the report's
        version and never name two texts, so a chunk the store holds is not embedded again, and a text
        several chunks share (the same sentence in many reports) is embedded once. Returns the chunks embedded."""
        held = self._held([c.chunk_id for c in chunks])
        missing = [c for c in chunks if c.chunk_id not in held]
        texts = list(dict.fromkeys(c.text for c in missing))
        vectors = dict(zip(texts, self._embeddings.embed_documents(texts))) if texts else {}
        for start in range(0, len(missing), BATCH):
            part = missing[start:start + BATCH]
            self._call(lambda s: s._collection.upsert(
                ids=[c.chunk_id for c in part], embeddings=[vectors[c.text] for c in part],
                metadatas=[chunk_metadata(c) for c in part], documents=[c.text for c in part]))
        return len(missing)

    def _held(self, chunk_ids: list[str]) -> set[str]:
        held: set[str] = set()
        for start in range(0, len(chunk_ids), BATCH):
            part = chunk_ids[start:start + BATCH]
            held.update(self._call(lambda s: s._collection.get(ids=part, include=[]))["ids"])
        return held

    def delete_chunks(self, chunk_ids: list[str]) -> None:
        for start in range(0, len(chunk_ids), BATCH):
            part = chunk_ids[start:start + BATCH]
            self._call(lambda s: s.delete(ids=part))

    def count(self, report_id: str | None = None) -> int:
        if report_id is None:
            return self._call(lambda s: s._collection.count())
        return len(self._call(lambda s: s.get(where={"report": report_id}, include=[]))["ids"])

    def search(self, query_vector: list[float], k: int, report_ids: list[str]) -> list[tuple[Document, float]]:
        """(document, cosine similarity) of the reports in scope (all when none is named), best first.

        A few reports' vectors are compared one by one: HNSW's filtered search walks the graph from the
        query's nearest vectors, and where they are copies of one text in thousands of other reports (the
        same boilerplate; 10,000 reports of one template) it gives up with few or none of the scope's chunks
        (0 of a report's 28 at 123,000 vectors)."""
        if 0 < len(report_ids) <= EXACT_SCOPE_REPORTS:
            return self._call(lambda s: _exact_search(s, query_vector, k, report_filter(report_ids)))
        hits = self._call(lambda s: s.similarity_search_by_vector_with_relevance_scores(
            query_vector, k=k, filter=report_filter(report_ids)))
        return [(doc, 1.0 - distance) for doc, distance in hits]
