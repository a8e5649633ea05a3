"""The answering chain (LCEL): prepare the question → hybrid retrieval + indicator lookup → compose."""
from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterator
from dataclasses import replace

from langchain_core.runnables import RunnableLambda

from assistant.answer import Answer
from assistant.compose import Evidence, ExtractiveComposer
from assistant.corpus import Corpus
from assistant.evidence import rank_sentences
from assistant.lookup import lookup_rows
from assistant.query import Query, prepare
from assistant.retrieval import HybridRetriever
from assistant.rwlock import ReadWriteLock
from assistant.visible_text import visible
from index.components import Components
from index.vector_store import VectorStoreUnavailable

log = logging.getLogger(__name__)


class QuestionError(ValueError):
    """A question that cannot be answered as asked: empty, too long, or about an unknown report."""


STREAM_PIECE_CHARS = 6
UNAVAILABLE = "抱歉,检索服务暂时不可用,请稍后再试。"


class AssistantService:
    """`composer` turns (query, evidence) into an Answer and may also `stream` it; `rewriter` turns a
    follow-up and its history into a standalone question. Both default to the no-LLM versions.

    Before each question the corpus follows the report store (other processes' ingests and deletes, at
    most once a second); questions read the corpus together and an update waits for them (`_corpus_lock`)."""

    def __init__(self, components: Components, composer=None, rewriter=None):
        self.components = components
        self.settings = components.settings
        self.corpus = Corpus(components.reports)
        self._corpus_lock = ReadWriteLock()
        self.retriever = HybridRetriever(corpus=self.corpus, vectors=components.vectors,
                                         embeddings=components.embeddings)
        self.composer = composer or ExtractiveComposer(self.corpus)
        self.rewriter = rewriter
        self.retrieval_chain = RunnableLambda(self._prepare) | RunnableLambda(self._gather)
        self.chain = self.retrieval_chain | RunnableLambda(self._compose)

    def validate(self, question: str, report: str | None) -> str:
        """The length limit is on what was sent: 50,000 control characters around a question are no short
        question. What is answered is the question without them."""
        sent = len(question or "")
        if sent >= self.settings.max_question_chars:
            raise QuestionError(f"问题太长({sent} 字),请控制在 {self.settings.max_question_chars} 字以内。")
        question = visible(question).strip()
        if not any(unicodedata.category(ch)[0] in "LN" for ch in question):  # only punctuation or symbols
            raise QuestionError("问题为空,请输入一个问题。")
        if report and report not in self.corpus.reports:
            raise QuestionError(f"未知的报告编号: {report}")
        return question

    def ask(self, question: str, history: list[tuple[str, str]] | None = None, report: str | None = None) -> Answer:
        self.corpus.follow(self._corpus_lock.writing)
        with self._corpus_lock.reading():
            question = self.validate(question, report)
            try:
                answer = self.chain.invoke({"question": question, "history": list(history or []), "report": report})
            except VectorStoreUnavailable as exc:
                return _unavailable(question, exc)
        return replace(answer, text=visible(answer.text))

    def stream(self, question: str, history: list[tuple[str, str]] | None = None,
               report: str | None = None) -> Iterator[str | Answer]:
        """Text pieces as they are ready, then the finished Answer (its text is the pieces joined). The corpus
        is read until the answer is composed; a composer that streams reads it while it streams. Control
        characters in a report's text stay out of the answer, as they stay out of the question."""
        self.corpus.follow(self._corpus_lock.writing)
        with self._corpus_lock.reading():
            question = self.validate(question, report)
            try:
                query, evidence = self.retrieval_chain.invoke(
                    {"question": question, "history": list(history or []), "report": report})
            except VectorStoreUnavailable as exc:
                answer = _unavailable(question, exc)
            else:
                composer_stream = getattr(self.composer, "stream", None)
                if composer_stream is not None:
                    for piece in composer_stream(query, evidence):
                        yield visible(piece) if isinstance(piece, str) else replace(piece, text=visible(piece.text))
                    return
                answer = self.composer.compose(query, evidence)
        answer = replace(answer, text=visible(answer.text))
        for start in range(0, len(answer.text), STREAM_PIECE_CHARS):
            yield answer.text[start:start + STREAM_PIECE_CHARS]
        yield answer

    def refresh(self) -> None:
        """Pick up an ingest or delete at once (this process's own), not at the next question's look."""
        self.corpus.follow(self._corpus_lock.writing, force=True)

    def _prepare(self, inputs: dict) -> Query:
        question, history = inputs["question"], inputs["history"]
        if self.rewriter is not None and history:
            rewritten = self.rewriter(question, history)
            if rewritten != question:  # already standalone: the rule-based rewrite must not apply on top
                question, history = rewritten, []
        return prepare(question, history, self.corpus, inputs["report"])

    def _gather(self, query: Query) -> tuple[Query, Evidence]:
        if not query.report_ids or not query.groups:
            return query, Evidence()
        if query.compare:  # figures from the tables of every report in scope; no passages needed
            return query, Evidence(rows=lookup_rows(query, self.corpus, []))
        hits = self.retriever.search(query.text, query.terms, query.report_ids)
        rows = lookup_rows(query, self.corpus, hits) if (query.quantity or query.existence) else []
        return query, Evidence(rows=rows, sentences=rank_sentences(query, self.corpus, hits))

    def _compose(self, gathered: tuple[Query, Evidence]) -> Answer:
        return self.composer.compose(*gathered)


def _unavailable(question: str, exc: VectorStoreUnavailable) -> Answer:
    """A store that is down costs one question an apology, not the app; the next call reconnects."""
    log.warning("向量库不可用: %s", exc)
    return Answer(UNAVAILABLE, found=False, question=question, failed=True)
