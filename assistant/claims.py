"""Claims and the figures stated in them: a paragraph split into sentences, and each figure with its
unit and the words around it, which say what it counts ("行政诉讼" for "行政诉讼2起")."""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.chunking import split_sentences
from index.numbers import parse_number, to_base_unit

UNITS = ("人次", "万元", "亿元", "千元", "元", "件", "条", "起", "次", "个", "人", "篇", "项", "家", "期", "场",
         "所", "名", "宗", "份", "位", "批", "轮")
_KIND = {
    **dict.fromkeys(("件", "条", "起", "个", "篇", "项", "家", "所", "宗", "份", "批"), "items"),
    **dict.fromkeys(("次", "场", "期", "轮"), "times"),
    **dict.fromkeys(("人", "名", "位"), "persons"),
    "人次": "person-times",
    "元": "money",
}
_FIGURE = re.compile(
    r"(?<![第统唯之\d.])(?P<number>\d[\d,]*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿]+)\s*(?P<about>余|多)?"
    r"(?:(?P<scale>万|亿)(?!元))?(?P<unit>" + "|".join(UNITS) + r")(?!性)"
)
_MULTIPLIER_ONLY = re.compile(r"^[百千万亿]+$")  # "千家万户", "万人": words, not figures
# Full-width marks as escapes: a report pasted from a web page or a PDF uses ",;:!?" in either width.
_CLAUSE = re.compile(r"[^,\uff0c;\uff1b:\uff1a、。!?\uff01\uff1f]+")
_SENTENCE_MARKS = " \t。!?\uff01\uff1f;\uff1b,\uff0c"


@dataclass(frozen=True)
class Figure:
    value: float
    unit: str
    approximate: bool  # "30余条": at least 30, fewer than 40
    text: str  # as printed, e.g. "30余条"
    clause: str  # the clause it stands in, as printed
    before: str  # clause text before the figure (after any earlier figure in the clause)
    after: str  # clause text after the figure, up to the next one ("六项制度" → "制度")
    context: str  # the sentence before the clause

    @property
    def subject(self) -> str:
        return f"{self.before} {self.after}".strip()

    def upper(self) -> float:
        """The largest value the figure allows: "30余" allows up to (not including) 40."""
        if not self.approximate:
            return self.value
        step = 10 ** max(len(str(int(self.value))) - 1, 0)
        return self.value + step


def split_claims(text: str) -> list[str]:
    """A paragraph → its sentences; a clause-only fragment ("。") is dropped."""
    return [s for s in (piece.strip() for piece in split_sentences(text or "")) if s.strip(_SENTENCE_MARKS)]


def figures_in(sentence: str) -> list[Figure]:
    found: list[Figure] = []
    for clause in _CLAUSE.finditer(sentence):
        text = clause.group()
        matches = [m for m in _FIGURE.finditer(text) if _is_figure(m)]
        for index, match in enumerate(matches):
            start = matches[index - 1].end() if index else 0
            end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            value = parse_number(match.group("number"))
            if match.group("scale"):
                value *= 10_000 if match.group("scale") == "万" else 100_000_000
            found.append(Figure(value, match.group("unit"), bool(match.group("about")), match.group(),
                                text.strip(), text[start:match.start()].strip(), text[match.end():end].strip(),
                                sentence[:clause.start()]))
    return found


def _is_figure(match: re.Match) -> bool:
    number = match.group("number")
    return parse_number(number) is not None and not _MULTIPLIER_ONLY.match(number)


def kind(unit: str) -> str:
    """What a unit counts: 件, 条 and 起 all count items; 万元 and 元 are both money."""
    base = to_base_unit(1, unit)[1]
    return _KIND.get(base, base)


def comparable(unit: str, other: str) -> bool:
    """A row without a unit is compared with any figure; otherwise the units must count the same thing."""
    return not unit or not other or kind(unit) == kind(other)


def answers_measure(asked: str, unit: str) -> bool:
    """A figure in `unit` answers a question counting in `asked`; a question's 个 is any count, of people too
    ("专职人员几个?" is answered by "兼职人员1人")."""
    return comparable(asked, unit) or (asked == "个" and kind(unit) == "persons")


def in_unit(value: float, unit: str, target: str) -> float:
    """`value unit` expressed in `target` (0.5 万元 → 5000 元); same-kind count units are taken as equal."""
    base, _ = to_base_unit(value, unit)
    return base / to_base_unit(1, target)[0]


def number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4f}".rstrip("0").rstrip(".")


def agrees(figure: Figure, value: float, unit: str) -> bool:
    """The figure says `value unit`: equal after unit conversion, or within the range of "30余"."""
    stated = in_unit(value, unit or figure.unit, figure.unit)
    if figure.approximate:
        return figure.value <= stated < figure.upper()
    return abs(stated - figure.value) <= 1e-9 * max(1.0, abs(stated))
