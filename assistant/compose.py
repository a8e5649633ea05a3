"""The extractive composer: a short answer from looked-up rows and the best sentences, with citations.

It needs no LLM. It refuses, deterministically, when nothing retrieved passes the
relevance thresholds; an LLM composer can replace it behind the same `compose`.
"""
from __future__ import annotations

import re

from assistant.about_report import about_report_answer, asks_about_report
from assistant.answer import Answer, Citation, row_citation, section_citation
from assistant.compare import compare_answer, sum_answer
from assistant.corpus import Corpus
from assistant.claims import answers_measure, figures_in, kind
from assistant.evidence import (Evidence, Sentence, asks_about_report_itself, asks_future, asks_where_published,
                                continuation, earlier_items, figure_fit, is_intro, list_items, looks_ahead, names_plan,
                                quoted_runs, source_name, topic_groups, venue_quote, whole_sentence)
from assistant.group_total import row_group_total, total_of
from assistant.help_text import help_answer, is_help_request
from assistant.part_evidence import gather_part
from assistant.lookup import RowMatch, with_siblings
from assistant.narrative_cell import beside_text, find_beside, says_none_about
from assistant.query import Query
from assistant.trends import is_trend, trend_answer
from index.report import TableRow

MIN_SENTENCE_COVERAGE = 0.55  # share of the question's weight a sentence (with its heading) must contain
EXTRA_SENTENCE_RATIO = 0.85
MAX_EXTRA_SENTENCES = 2
MAX_LISTED_CANDIDATES = 8
INTRO_MARGIN = 0.15  # coverage a section's sentence may lack against the introduction's list of titles
MONEY_COVERAGE = 0.6  # share of the question's weight a clause stating an amount of money must contain
REFUSAL = "报告中未提及相关内容。"
_NONE = re.compile(r"无|没有|暂无|尚无|未发生|未收到")


def is_relevant(sentence: Sentence) -> bool:
    return sentence.coverage >= MIN_SENTENCE_COVERAGE


def clarification(query: Query, corpus: Corpus) -> Answer:
    """Too many reports fit the question to answer one by one: ask which one is meant."""
    shown = query.candidates[:MAX_LISTED_CANDIDATES]
    listed = "\n".join(f"- {corpus.report_name(rid)}(编号 {rid})" for rid in shown)
    more = f"\n……共 {len(query.candidates)} 份" if len(query.candidates) > len(shown) else ""
    return Answer(text=f"索引中有 {len(query.candidates)} 份报告符合这个问题,请在问题中说明单位和年度"
                       f"(例如“{corpus.report_name(shown[0])}……”),或者问一个比较的问题。\n{listed}{more}",
                  found=False, question=query.text)


def refusal(query: Query, corpus: Corpus) -> Answer:
    if query.candidates:
        return clarification(query, corpus)
    if query.missing_scope:
        text = f"索引中没有{query.missing_scope}的报告,报告中未提及相关内容。"
    elif not corpus.reports:
        text = "索引中还没有报告,请先导入年度报告。"
    else:
        text = REFUSAL + "可以换个说法再问,或者问问报告统计表里的数字。"
    return Answer(text=text, found=False, question=query.text)


class ExtractiveComposer:
    def __init__(self, corpus: Corpus):
        self.corpus = corpus

    def compose(self, query: Query, evidence: Evidence) -> Answer:
        if is_help_request(query.text):
            return help_answer(query.text, self.corpus)
        if query.missing_scope or not query.report_ids:
            return refusal(query, self.corpus)
        if asks_about_report(query.text):
            return about_report_answer(query.text, query.report_ids, self.corpus)
        if query.parts:
            return self._parts_answer(query)
        if query.compare:
            if query.addends:
                return sum_answer(query, self.corpus)
            if is_trend(query, self.corpus):
                return trend_answer(query, self.corpus, evidence.rows)
            return compare_answer(query, self.corpus, evidence.rows)
        if asks_where_published(query.text):
            return self._where_published(query, evidence.sentences)
        if query.contact is not None:
            return self._contact_answer(query, evidence.sentences)
        relevant = self._relevant(query, evidence.sentences)
        best_sentence = relevant[0] if relevant else None
        if (query.quantity or query.existence) and evidence.rows:
            best_row = evidence.rows[0]
            if best_sentence is None or best_row.coverage >= best_sentence.coverage - 0.15:
                return self._indicator_answer(query, evidence.rows, relevant)
        if best_sentence is None:
            return refusal(query, self.corpus)
        return self._narrative_answer(query, relevant)

    def _relevant(self, query: Query, sentences: list[Sentence]) -> list[Sentence]:
        """Sentences that cover the question. A plan question ("What are the plans for next year?") takes only
        sentences that look ahead, whatever their words: "规划计划类的信息13条" names 计划 but plans nothing,
        "下一步,我市将…" names no 计划 but is one; what else it asks about they must cover."""
        if not asks_future(query.text):
            return [s for s in sentences if is_relevant(s)]
        topic = topic_groups(query)
        return [s for s in sentences if looks_ahead(self.corpus, s)
                and (not topic or self.corpus.coverage(topic, f"{s.heading}\n{s.text}") >= MIN_SENTENCE_COVERAGE)]

    def _where_published(self, query: Query, sentences: list[Sentence]) -> Answer:
        """Each report in scope that says where it is published, by the clauses that say it; the others are
        named as not saying it, rather than answered with their introduction."""
        lines, citations, silent = [], [], []
        for rid in query.report_ids:
            said = next(((s, quote) for s in sentences if s.report_id == rid
                         and (quote := venue_quote(whole_sentence(self.corpus, s, s.text)))), None)
            if said is None:
                silent.append(self.corpus.report_name(rid))
                continue
            sentence, quote = said
            lines.append(f"据{self._source(rid)}“{sentence.heading}”:{quote}")
            citations.append(section_citation(rid, sentence.heading, quote, self.corpus.reports[rid]))
        if not lines:
            return refusal(query, self.corpus)
        if silent:
            lines.append(f"{'、'.join(silent)}报告中未提及在哪里公布。")
        return Answer(text="\n".join(lines), found=True, citations=citations, question=query.text)

    def _contact_answer(self, query: Query, sentences: list[Sentence]) -> Answer:
        """Each report in scope answers with its sentences that hold the detail asked ("联系电话:68406611"), best
        first; a report that holds none is said not to give it, never answered with a count about the same words
        ("电话咨询3200人次"). Holding the value is what makes a sentence relevant: "咨询电话是多少?" is answered by
        "联系电话:68406611", which does not say 咨询."""
        kind = query.contact
        holding = [s for s in sentences if kind.value.search(whole_sentence(self.corpus, s, s.text))]
        if not holding:
            return Answer(text=f"报告中未提及{kind.name}。", found=False, question=query.text)
        answer = self._narrative_answer(query, holding)
        answered = {s.report_id for s in holding}
        silent = [self.corpus.report_name(rid) for rid in query.report_ids if rid not in answered]
        if silent:
            answer.text += f"\n{'、'.join(silent)}的报告中未提及{kind.name}。"
        return answer

    def _source(self, report_id: str) -> str:
        """How an answer names the report it quotes: by its unit and year when the index holds several."""
        return f"{self.corpus.report_name(report_id)}报告" if len(self.corpus.reports) > 1 else "报告"

    def _parts_answer(self, query: Query) -> Answer:
        """Each part answered as if asked alone, numbered, with its own citations."""
        answers = [self.compose(part, gather_part(part, self.corpus)) for part in query.parts]
        text = "\n".join(f"{n}. {part.text}:{answer.text}" for n, (part, answer) in
                         enumerate(zip(query.parts, answers), 1))
        citations = [c for answer in answers for c in answer.citations]
        return Answer(text=text, found=any(a.found for a in answers), citations=citations, question=query.text)

    def _indicator_answer(self, query: Query, rows: list[RowMatch], sentences: list[Sentence]) -> Answer:
        best_per_report: dict[str, RowMatch] = {}
        for match in rows:
            best_per_report.setdefault(match.report_id, match)
        if len(best_per_report) > 1:
            return self._per_report_answer(query, list(best_per_report.values()), rows, sentences)
        # Cells of one row that the question does not tell apart (行政诉讼 / 未经复议直接起诉 / 总计 and
        # 行政诉讼 / 复议后起诉 / 总计): each is stated and cited, in table order, none picked at random; when
        # they split one column group, their sum is that group's total (行政诉讼 has no 总计 cell of its own).
        stated = with_siblings(rows[0], rows, query.text)
        if query.existence and not query.quantity:
            # "有人告过吗?" may be answered by several indicators of the same rank (复议 and 诉讼).
            stated += [m for m in rows[1:3] if len(m.row.parents) == len(rows[0].row.parents) and m not in stated]
        report_id = stated[0].report_id
        report = self.corpus.reports[report_id]
        parts = [_row_sentence([m.row for m in stated], query)]
        citations: list[Citation] = [row_citation(m.report_id, m.row) for m in stated]
        total = total_of([m.row for m in stated]) if len(stated) > 1 else None
        compared = [m.row for m in stated]
        if total is not None:
            parts.append(total.sentence())
            compared = [total.as_row()]
        for cell in compared:
            beside = find_beside(self.corpus, query, cell, report.table_rows, sentences, report_id)
            if beside is None:
                continue
            text, cited = beside_text(self.corpus, cell, beside, report.table_rows, report.unit)
            parts.append(text)
            citations += [c for c in cited if c not in citations]
        if len(citations) == len(stated) and all(m.row.is_blank for m in stated):
            # The table is silent; what the narrative says about it ("现暂无政策解读情况") is said too.
            said = [s for s in sentences if s.report_id == stated[0].report_id
                    and any(says_none_about(self.corpus, m.row, s.text) for m in stated)]
            if said:
                citations.append(section_citation(said[0].report_id, said[0].heading, said[0].text, report))
                parts.append(f"{source_name(said[0].heading)}写道:“{said[0].text}”")
        lead = f"{self.corpus.report_name(report_id)}报告:" if len(self.corpus.reports) > 1 else ""
        silent, told = self._without_row(query, {report_id}, sentences)
        return Answer(text=lead + "".join(parts) + (f"\n{silent}" if silent else ""), found=True,
                      citations=citations + told, question=query.text)

    def _per_report_answer(self, query: Query, matches: list[RowMatch], rows: list[RowMatch],
                           sentences: list[Sentence]) -> Answer:
        """Several reports in scope: each report's own figures, in year order, never one number mixed from two."""
        matches = sorted(matches, key=lambda m: (self.corpus.reports[m.report_id].year or 0, m.report_id))
        stated, lines = [], []
        for match in matches:
            name = self.corpus.report_name(match.report_id)
            own = with_siblings(match, rows, query.text)
            stated += own
            lines += [f"- {name}:“{m.row.citation_label()}”为 {m.row.value_text()}" for m in own]
            cells = [m.row for m in own]
            total = row_group_total(cells) if match.in_group else total_of(cells) if len(cells) > 1 else None
            if total is not None:
                lines.append(f"- {name}:{total.sentence()}")
        silent, told = self._without_row(query, {m.report_id for m in matches}, sentences)
        return Answer(text="各报告统计表分别为:\n" + "\n".join(lines) + (f"\n{silent}" if silent else ""),
                      found=True, citations=[row_citation(m.report_id, m.row) for m in stated] + told,
                      question=query.text)

    def _without_row(self, query: Query, answered: set[str],
                     sentences: list[Sentence]) -> tuple[str, list[Citation]]:
        """The reports in scope that no row answers: each one's own narrative answer where its text states it
        ("全年收取…信息处理费 3940 元" in a report whose table counts no money), the rest named: said nothing of,
        they would read as zero, and given the nearest other cell, as a wrong answer."""
        others = sorted((rid for rid in query.report_ids if rid not in answered),
                        key=lambda rid: (self.corpus.reports[rid].year or 0, rid))
        told, citations, with_table, without = [], [], [], []
        for rid in others:
            own = [s for s in sentences if s.report_id == rid]
            narrative = self._report_narrative(query, own) if self._figure_says_all(query, own) else None
            if narrative is not None:
                told.append(narrative.text)
                citations += narrative.citations
            else:
                (with_table if self.corpus.reports[rid].table_rows else without).append(self.corpus.report_name(rid))
        said = ([f"{'、'.join(with_table)}的统计表中没有找到这一项"] if with_table else []) + (
            [f"{'、'.join(without)}的报告中没有找到统计表"] if without else [])
        return "\n".join(told + ([";".join(said) + "。"] if said else [])), citations

    def _same_kind(self, query: Query, best: Sentence, other: Sentence) -> bool:
        """A plan question answered from the plan section takes no sentence that mentions 计划 elsewhere."""
        year = self.corpus.reports[best.report_id].year
        return not (asks_future(query.text) and names_plan(best.heading, year) and not names_plan(other.heading, year))

    def _figure_says_all(self, query: Query, sentences: list[Sentence]) -> bool:
        """A report whose table has no row for the question answers from its text only with a figure whose own clause
        says what is asked, in the asked measure: "我局收到…行政复议0件" does not answer 收到多少申请, nor "微博粉丝突破
        770万" 微博发了多少条. All the question's words, except for an amount of money asked for, which is said in
        few ways: most of them ("全年收取…信息处理费 3940 元" answers 收取信息处理费多少钱)."""
        def says(figure) -> bool:
            money = kind(query.unit) == kind(figure.unit) == "money"
            return (answers_measure(query.unit, figure.unit)
                    and self.corpus.coverage(query.groups, figure.clause) >= (MONEY_COVERAGE if money else 1))

        return any(says(f) for s in sentences for f in figures_in(s.text))

    def _states_amount(self, query: Query, sentences: list[Sentence]) -> bool:
        """A count question is answered by a figure about what it asks, a value such as a phone number,
        or the report saying there was none."""
        return any(_states_none(s.text) or _has_unitless_value(s.text) or any(
            self.corpus.coverage(query.groups, f.clause) > 0 for f in figures_in(s.text)) for s in sentences)

    def _narrative_answer(self, query: Query, sentences: list[Sentence]) -> Answer:
        """Each report in scope that has a relevant sentence answers with its own, labelled with its unit and
        year ("联系电话是多少?" over two units' reports), best first."""
        best_of: dict[str, Sentence] = {}
        for sentence in sentences:
            best_of.setdefault(sentence.report_id, sentence)
        answers = [a for rid in best_of
                   if (a := self._report_narrative(query, [s for s in sentences if s.report_id == rid])) is not None]
        if not answers:
            return refusal(query, self.corpus)
        return Answer(text="\n".join(a.text for a in answers), found=True,
                      citations=[c for a in answers for c in a.citations], question=query.text)

    def _report_narrative(self, query: Query, sentences: list[Sentence]) -> Answer | None:
        """One report's answer from its ranked sentences, or None when they do not answer."""
        best = sentences[0]
        if is_intro(best) and not asks_about_report_itself(query.text):
            # The introduction lists the sections' titles: the section itself answers, when it says as much.
            best = next((s for s in sentences if not is_intro(s) and s.coverage >= best.coverage - INTRO_MARGIN), best)
            sentences = [best, *(s for s in sentences if s is not best)]
        if query.quantity and not self._states_amount(query, sentences[:1 + MAX_EXTRA_SENTENCES]):
            # "有多少个社区?" answered by a sentence that mentions 社区 but counts nothing is a guess.
            return None
        # The introduction only summarises the sections: it adds to an answer that a section gives nothing.
        chosen = [best] + [s for s in sentences[1:] if s.score >= EXTRA_SENTENCE_RATIO * best.score
                           and s.text != best.text and (is_intro(best) or not is_intro(s))
                           and self._same_kind(query, best, s)][:MAX_EXTRA_SENTENCES]
        chosen.sort(key=lambda s: (s.position, s.index))
        by_section: dict[int, list[str]] = {}
        headings: dict[int, str] = {}
        for sentence in chosen:
            headings[sentence.position] = sentence.heading
            texts = by_section.setdefault(sentence.position, [])
            for text in [*earlier_items(self.corpus, sentence), sentence.text, *continuation(self.corpus, sentence),
                         *list_items(self.corpus, sentence)]:
                text = whole_sentence(self.corpus, sentence, text)
                if not any(text in t for t in texts):
                    texts[:] = [t for t in texts if t not in text] + [text]
        runs = {p: quoted_runs(self.corpus, best.report_id, p, texts) for p, texts in by_section.items()}
        source = self._source(best.report_id)
        text = " ".join(f"据{source}“{headings[p]}”:{_run_on(quotes)}" for p, quotes in runs.items())
        if query.quantity:
            figures = [f for s in chosen for f in figures_in(s.text)]
            if figures:
                lead = max(figures, key=lambda f: (self.corpus.coverage(query.groups, f.clause),
                                                   figure_fit(self.corpus, query, f)))
                # Said first only when its own words say all that is asked: "我局收到…行政复议0件" is no answer
                # to 收到多少申请, though it says 收到.
                if self.corpus.coverage(query.groups, lead.clause) >= 1:
                    text = f"{lead.clause}。" + text
        report = self.corpus.reports[best.report_id]
        citations = [section_citation(best.report_id, headings[p], quote, report)
                     for p, quotes in runs.items() for quote in quotes]
        return Answer(text=text, found=True, citations=citations, question=query.text)


def _run_on(quotes: list[str]) -> str:
    """Quotes as an answer's text shows them, without the report's line breaks; "……" where the report goes on
    between two of them, so that no sentence reads as the body of an item it does not follow."""
    return "……".join(quote.replace("\n", "") for quote in quotes)


def _states_none(text: str) -> bool:
    return bool(_NONE.search(text))


def _has_unitless_value(text: str) -> bool:
    """A number that is no counted figure: "联系电话:68406611", not "16条"."""
    return any(ch.isdigit() for ch in text) and not figures_in(text)


def _row_sentence(rows: list[TableRow], query: Query) -> str:
    stated = ";".join(f"“{r.citation_label()}”" + ("一栏未填报(空白)" if r.is_blank else f"为 {r.value_text()}")
                      for r in rows)
    text = f"附表《{rows[0].table}》中{stated}。"
    if all(r.is_blank for r in rows):
        return text + "报告没有给出这个数字,不能当作 0。"
    if query.existence and not query.quantity:
        return ("有。" if any((r.value or 0) > 0 for r in rows) else "没有。") + text
    return text
