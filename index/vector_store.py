"""Chunks in Chroma, through LangChain: embedded on disk by default, a Chroma server when configured."""
from __future__ import annotations

import chromadb
from chromadb.config import Settings as ChromaClientSettings
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from index.chunking import Chunk
from settings import Settings


class VectorStoreUnavailable(RuntimeError):
    """The vector store cannot be reached (a Chroma server that is down)."""


def make_client(settings: Settings) -> chromadb.ClientAPI:
    client_settings = ChromaClientSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=client_settings)
        except Exception as exc:  # the client pings the server on creation
            raise VectorStoreUnavailable(
                f"无法连接 Chroma 服务器 {settings.chroma_host}:{settings.chroma_port}: {exc}") from exc
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=client_settings)


def chunk_metadata(chunk: Chunk) -> dict:
    return {"chunk_id": chunk.chunk_id, "report": chunk.report_id, "kind": chunk.kind, "heading": chunk.heading,
            "body": chunk.body, "position": chunk.position}


class ChunkVectorStore:
    """Cosine space, so that a distance converts to a similarity the refusal threshold can read."""

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

    def replace_report(self, report_id: str, chunks: list[Chunk]) -> None:
        self.delete_report(report_id)
        if chunks:
            self.store.add_texts([c.text for c in chunks], [chunk_metadata(c) for c in chunks],
                                 ids=[c.chunk_id for c in chunks])

    def delete_report(self, report_id: str) -> None:
        self.store.delete(where={"report": report_id})

    def count(self, report_id: str | None = None) -> int:
        if report_id is None:
            return self.store._collection.count()
        return len(self.store.get(where={"report": report_id}, include=[])["ids"])

    def search(self, query_vector: list[float], k: int, where: dict | None) -> list[tuple[Document, float]]:
        """(document, cosine similarity), best first."""
        hits = self.store.similarity_search_by_vector_with_relevance_scores(query_vector, k=k, filter=where)
        return [(doc, 1.0 - distance) for doc, distance in hits]
