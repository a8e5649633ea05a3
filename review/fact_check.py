"""Staff fact checking: each sentence of a claim checked against a report.

A figure is compared with the indicator row it states and with the narrative figure about the same
thing; a blank cell never supports a claim. A sentence without figures is supported only where one
sentence of the report says it. Anything else is not_found: the checker never guesses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answer import Citation, row_citation, section_citation
from assistant.claims import Figure, agrees, figures_in, in_unit, number_text, split_claims
from assistant.keywords import concepts
from assistant.query import resolve_scope
from assistant.service import AssistantService, QuestionError
from index.chunking import signoff_text, split_sentences
from index.parse_narrative import INTRO_HEADING, SIGNOFF_HEADING
from index.report import Report
from review.figure_match import Placed, match_narrative, match_row, narrative_figures

SUPPORTED, CONTRADICTED, NOT_FOUND = "supported", "contradicted", "not_found"
MIN_TEXT_COVERAGE = 0.8  # share of the claim's weight one sentence (with its heading) must say
_CONTENTS_ITEM = re.compile(r"^\d+\.\S{2,40}[;\uff1b。]?$")  # the introduction's list of sections: titles, not facts
_NEGATION = re.compile(r"没有|暂无|尚无|无|未|不存在")
# Sign-off roles a claim may name, longest wording first so that "填报日期" is not read as "填报".
_ROLES = (
    ("填报日期", re.compile(r"填报日期|填报时间")),
    ("单位负责人", re.compile(r"单位负责人|负责人(?:是|为|:|\uff1a)")),
    ("审核人", re.compile(r"审核人|由.{1,6}审核")),
    ("填报人", re.compile(r"填报人|由.{1,6}填报")),
    ("联系电话", re.compile(r"联系电话")),
)


@dataclass
class ClaimCheck:
    claim: str
    verdict: str  # supported | contradicted | not_found
    explanation: str
    citations: list[Citation] = field(default_factory=list)
    # One check per figure (or per sentence without figures) when the verdict combines several, so that
    # staff see which figure of "微博发布信息690条,行政诉讼3起" is wrong.
    parts: list[ClaimCheck] = field(default_factory=list)

    def to_json(self) -> dict:
        out = {"claim": self.claim, "verdict": self.verdict, "explanation": self.explanation,
               "citations": [c.to_json() for c in self.citations]}
        if self.parts:
            out["parts"] = [part.to_json() for part in self.parts]
        return out


def combine(claim: str, checks: list[ClaimCheck]) -> ClaimCheck:
    """One verdict for several: contradicted if any part is, else not_found if any part is. The parts
    are kept, each figure's own check, however deeply the checks were combined."""
    verdicts = {c.verdict for c in checks}
    verdict = next(v for v in (CONTRADICTED, NOT_FOUND, SUPPORTED) if v in verdicts)
    citations: list[Citation] = []
    parts: list[ClaimCheck] = []
    for check in checks:
        citations += [c for c in check.citations if c not in citations]
        parts += check.parts or [check]
    return ClaimCheck(claim, verdict, "".join(c.explanation for c in checks), citations,
                      parts if len(parts) > 1 else [])


class FactChecker:
    def __init__(self, service: AssistantService):
        self.service = service
        self._figures: dict[str, tuple[Report, list[Placed]]] = {}

    def check_text(self, text: str, report: str | None = None) -> list[ClaimCheck]:
        """A paragraph → one ClaimCheck per sentence."""
        corpus = self.service.corpus
        if report and report not in corpus.reports:
            raise QuestionError(f"未知的报告编号: {report}")
        claims = split_claims(text)
        if not claims:
            raise QuestionError("要核对的说法为空。")
        return [self.check_claim(claim, report) for claim in claims]

    def check_paragraph(self, text: str, report: str | None = None) -> ClaimCheck:
        """A paragraph → one combined verdict, with a verdict per figure in `parts`."""
        return combine(text, self.check_text(text, report))

    def check_claim(self, claim: str, report: str | None = None) -> ClaimCheck:
        corpus = self.service.corpus
        report_ids, missing = resolve_scope(claim, corpus, report)
        if missing:
            return ClaimCheck(claim, NOT_FOUND, f"索引中没有{missing}的报告,无法核对。")
        if not report_ids:
            return ClaimCheck(claim, NOT_FOUND, "索引中还没有报告,请先导入年度报告。")
        checks = [self._check_in(claim, corpus.reports[rid]) for rid in report_ids]
        return max(checks, key=lambda c: (c.verdict != NOT_FOUND, len(c.citations)))

    def _check_in(self, claim: str, report: Report) -> ClaimCheck:
        figures = figures_in(claim)
        if not figures:
            return self._check_words(claim, report)
        return combine(claim, [self._check_figure(figure.clause, figure, report) for figure in figures])

    def _placed(self, report: Report) -> list[Placed]:
        cached = self._figures.get(report.report_id)
        if cached is None or cached[0] is not report:
            cached = self._figures[report.report_id] = (report, narrative_figures(report))
        return cached[1]

    def _check_figure(self, claim: str, figure: Figure, report: Report) -> ClaimCheck:
        match = match_row(figure, report.table_rows, report.unit)
        stated = match_narrative(figure, self._placed(report), report.unit)
        citations = [row_citation(report.report_id, match.row)] if match else []
        if stated:
            citations.append(section_citation(report.report_id, stated.heading, stated.sentence, report))
        narrative = _narrative_verdict(figure, stated)
        row = match.row if match else None
        if row is not None and row.value is not None:
            table = f"统计表“{row.citation_label()}”为 {row.value_text()}"
            if agrees(figure, row.value, row.unit):
                return ClaimCheck(claim, SUPPORTED, f"{table},与“{figure.text}”一致。{narrative[1]}", citations)
            reported = f"{number_text(in_unit(row.value, row.unit, figure.unit))} {figure.unit}"
            return ClaimCheck(claim, CONTRADICTED, f"说法为“{figure.text}”,报告为 {reported}:{table}。{narrative[1]}",
                              citations)
        if row is not None:
            blank = f"统计表“{row.citation_label()}”一栏未填报(空白),报告没有给出这个数字,不能认定“{figure.text}”。"
            if narrative[0] is True:
                note = f"正文“{stated.heading}”虽写“{stated.figure.clause}”,但与空白的统计表不一致,须先核对报告。"
                return ClaimCheck(claim, NOT_FOUND, blank + note, citations)
            verdict = CONTRADICTED if narrative[0] is False else NOT_FOUND
            return ClaimCheck(claim, verdict, blank + narrative[1], citations)
        if stated is None:
            return ClaimCheck(claim, NOT_FOUND, f"报告中没有与“{figure.clause}”对应的统计指标或正文数字。")
        verdict = {True: SUPPORTED, False: CONTRADICTED, None: NOT_FOUND}[narrative[0]]
        return ClaimCheck(claim, verdict, narrative[1] + "(统计表没有对应指标)", citations)

    def _check_words(self, claim: str, report: Report) -> ClaimCheck:
        roles = _signoff_check(claim, report)
        if roles is not None:
            return roles
        corpus = self.service.corpus
        groups = concepts(claim, corpus.is_scope, corpus.known)
        if not groups:
            return ClaimCheck(claim, NOT_FOUND, "说法中没有可以核对的内容。")
        best = max(_sentences(report), key=lambda hs: corpus.coverage(groups, f"{hs[0]}\n{hs[1]}"), default=None)
        if best is None or corpus.coverage(groups, f"{best[0]}\n{best[1]}") < MIN_TEXT_COVERAGE:
            return ClaimCheck(claim, NOT_FOUND, "报告中没有找到这样的表述。")
        heading, sentence = best
        citations = [section_citation(report.report_id, heading, sentence, report)]
        if bool(_NEGATION.search(claim)) != bool(_NEGATION.search(sentence)):
            return ClaimCheck(claim, CONTRADICTED, f"正文“{heading}”写的是“{sentence}”,与说法相反。", citations)
        return ClaimCheck(claim, SUPPORTED, f"正文“{heading}”写明:“{sentence}”", citations)


def _narrative_verdict(figure: Figure, stated: Placed | None) -> tuple[bool | None, str]:
    """Whether the narrative figure agrees (None: cannot tell, e.g. "30余条" for 35), and a sentence saying so."""
    if stated is None:
        return None, ""
    said = f"正文“{stated.heading}”写的是“{stated.figure.clause}”"
    other = stated.figure
    if other.approximate and not figure.approximate:
        if other.value <= figure.value < other.upper():
            return None, f"{said},只给出约数,不能确认“{figure.text}”。"
        return False, f"{said},说法为“{figure.text}”,与之不符。"
    if agrees(figure, other.value, other.unit):
        return True, f"{said},与说法一致。"
    reported = f"{number_text(in_unit(other.value, other.unit, figure.unit))} {figure.unit}"
    return False, f"{said},即报告为 {reported},与说法“{figure.text}”不符。"


def _sentences(report: Report) -> list[tuple[str, str]]:
    """(heading, sentence) for every sentence of the introduction, the sections and the sign-off."""
    out = [(INTRO_HEADING, s) for s in split_sentences(report.intro) if not _CONTENTS_ITEM.match(s)]
    for section in report.sections:
        out += [(section.heading, s) for s in split_sentences(section.text)]
    if report.signoff:
        out.append((SIGNOFF_HEADING, signoff_text(report)))
    return out


def _signoff_check(claim: str, report: Report) -> ClaimCheck | None:
    """"统计表由王亚平填报": who filled in, reviewed or signed the table, checked against the sign-off."""
    rest, named = claim, []
    for role, pattern in _ROLES:
        if role in report.signoff and pattern.search(rest):
            named.append(role)
            rest = pattern.sub("", rest)
    if not named:
        return None
    compact = re.sub(r"\s+", "", claim)
    parts = []
    for role in named:
        value = report.signoff[role]
        citation = section_citation(report.report_id, SIGNOFF_HEADING, f"{role}:{value}", report)
        if re.sub(r"\s+", "", value) in compact:
            parts.append(ClaimCheck(claim, SUPPORTED, f"统计表落款写明{role}:{value}。", [citation]))
        else:
            parts.append(ClaimCheck(claim, CONTRADICTED, f"统计表落款中{role}为{value}。", [citation]))
    return combine(claim, parts)
