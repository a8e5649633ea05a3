"""Hybrid retrieval: dense hits from Chroma and BM25 hits over the stored jieba tokens, fused by reciprocal rank."""
from __future__ import annotations

from dataclasses import dataclass

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.corpus import Corpus
from assistant.keywords import query_terms
from index.chunking import Chunk
from index.vector_store import ChunkVectorStore

RRF_K = 60


@dataclass
class Hit:
    chunk: Chunk
    dense: float = 0.0  # cosine similarity, 0 when the dense half did not return it
    keyword: float = 0.0  # BM25 score
    fused: float = 0.0


class HybridRetriever(BaseRetriever):
    """A LangChain retriever; `search` is the typed entry the answering chain uses."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    corpus: Corpus
    vectors: ChunkVectorStore
    embeddings: Embeddings
    k: int = 30

    def search(self, text: str, terms: list[str], report_ids: list[str]) -> list[Hit]:
        hits: dict[str, Hit] = {}
        vector = self.embeddings.embed_query(text)
        dense = self.vectors.search(vector, self.k, report_ids)
        for rank, (doc, similarity) in enumerate(dense):
            chunk = self.corpus.chunk(doc.metadata.get("report", ""), doc.metadata.get("chunk_id", ""))
            if chunk is None:
                continue  # indexed in Chroma but not ready in the report store
            hit = hits.setdefault(chunk.chunk_id, Hit(chunk))
            hit.dense = similarity
            hit.fused += 1.0 / (RRF_K + rank)
        for rank, (chunk, score) in enumerate(self.corpus.keyword_top(terms, self.k, report_ids)):
            hit = hits.setdefault(chunk.chunk_id, Hit(chunk))
            hit.keyword = score
            hit.fused += 1.0 / (RRF_K + rank)
        return sorted(hits.values(), key=lambda h: -h.fused)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.search(query, query_terms(query, self.corpus.scope_words()), [])
        return [Document(page_content=h.chunk.text, id=h.chunk.chunk_id,
                         metadata={"report": h.chunk.report_id, "kind": h.chunk.kind, "heading": h.chunk.heading,
                                   "dense": h.dense, "keyword": h.keyword, "fused": h.fused}) for h in hits]
