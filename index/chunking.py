"""Report → chunks for search. A chunk never crosses a section boundary and always
carries its section heading; every table row is a chunk with its parents, unit and value."""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.parse_narrative import INTRO_HEADING, SIGNOFF_HEADING
from index.report import Report, Section

MAX_CHUNK_CHARS = 160
_SENTENCE_END = re.compile(r"(?<=[。!?;])|\n")


@dataclass
class Chunk:
    chunk_id: str
    report_id: str
    kind: str  # "section" | "table_row"
    heading: str  # section heading, or the row's citation label
    body: str  # exact text of the report that the chunk holds (quotable)
    position: int  # section index (intro -1) or table row index

    @property
    def text(self) -> str:
        """What is embedded and keyword-indexed: the heading keeps every chunk in context."""
        return f"{self.heading}\n{self.body}" if self.body else self.heading


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, so that any run of sentences is quoted exactly as printed."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text + "\n"):
        piece = text[start:match.start()]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        start = match.end()
    return spans


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def _windows(text: str) -> list[str]:
    """Consecutive sentences packed up to MAX_CHUNK_CHARS; a longer sentence stands alone."""
    groups: list[list[tuple[int, int]]] = []
    for span in sentence_spans(text):
        if groups and span[1] - groups[-1][0][0] <= MAX_CHUNK_CHARS:
            groups[-1].append(span)
        else:
            groups.append([span])
    return [text[g[0][0]:g[-1][1]] for g in groups]


def _section_chunks(prefix: str, report: Report, section: Section, position: int) -> list[Chunk]:
    bodies = _windows(section.text) or [""]
    return [
        Chunk(f"{prefix}:s{position}:{n}", report.report_id, "section", section.heading, body, position)
        for n, body in enumerate(bodies)
    ]


def signoff_text(report: Report) -> str:
    return ";".join(f"{key}:{value}" for key, value in report.signoff.items())


def chunk_report(report: Report) -> list[Chunk]:
    """Chunk ids carry the report's version, so a new version's chunks are stored beside the old
    ones until the switch, and an id never names two texts."""
    prefix = f"{report.report_id}@{report.fingerprint()}"
    chunks: list[Chunk] = []
    if report.intro:
        intro = Section(number="", title=INTRO_HEADING, heading=INTRO_HEADING, text=report.intro)
        chunks += _section_chunks(prefix, report, intro, -1)
    for position, section in enumerate(report.sections):
        chunks += _section_chunks(prefix, report, section, position)
    if report.signoff:
        chunks.append(Chunk(f"{prefix}:signoff", report.report_id, "section",
                            SIGNOFF_HEADING, signoff_text(report), len(report.sections)))
    for position, row in enumerate(report.table_rows):
        if not row.unit and row.is_blank:
            continue  # a group heading row: its label lives on in its children's parents
        chunks.append(Chunk(f"{prefix}:r{position}", report.report_id, "table_row",
                            row.citation_label(), row.describe(), position))
    return chunks
