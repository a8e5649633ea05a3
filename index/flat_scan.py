"""Row labels and their digits in text whose table rows ran together.

"其中:1、政府网站公开数条2949819162、政府公报…": where a label starts (a row number, "其中:",
"(一)"), which digits follow it, and which of them number the next row instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.flat_split import TOKEN, printed_fragments
from index.layout import squeeze

MAX_LABEL = 80
CN = "一二三四五六七八九十"
DIGITS = re.compile(rf"[ \t]*({TOKEN}(?:[ \t]*{TOKEN})*)")
SPACE = re.compile(r"\s*")
OWN_NUMBER = re.compile(r"\d{1,2}\s*[、.]|")
FIRST_DIGIT = re.compile(r"\d")
BLANKS = re.compile(r"[ \t]*")
_GLUED_NUMBER = re.compile(r"\s*[、.](?!\d)")  # digits followed by "、": the tail is the next row's number


# Where a new row's label may begin inside run-together text.
MARKER = re.compile(rf"其中[::]?\s*(?:\d{{1,2}}\s*[、.](?!\d))?|\([{CN}]+\)|(?<![{CN}])[{CN}]+、"
                     rf"|(?<!\d)\d{{1,2}}\s*[、.](?!\d)")
LEADING_NUMBER = re.compile(r"^(?:其中[::]?)?(\d{1,2})[、.]")
_DEPTHS = (re.compile(rf"^[{CN}]+[、.]"), re.compile(rf"^\([{CN}]+\)"), re.compile(r"^\d+[.、]"))


def spaced_word(word: str) -> str:
    """A header word as a pattern that also matches it printed with spaces ("统 计 指 标")."""
    return r"\s*".join(map(re.escape, word))


def skip(text: str, position: int, pattern: re.Pattern) -> int:
    """Where the text matching `pattern` (which always matches) at `position` ends."""
    return pattern.match(text, position).end()


def label_depth(label: str) -> int | None:
    """0 for "一、", 1 for "(一)", 2 for "1.", None for an unnumbered label."""
    return next((depth for depth, pattern in enumerate(_DEPTHS) if pattern.match(label)), None)


def label_pieces(text: str) -> list[str] | None:
    """A label, or several when rows without figures ran into it ("三、依申请公开情况(一)收到申请数").
    None when it is no label: a sentence, or digits that are not its row number."""
    starts = [0] + [m.start() for m in MARKER.finditer(text) if m.start() > 0]
    starts += [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    starts = sorted(set(starts))
    pieces = [squeeze(text[a:b]).strip("—–") for a, b in zip(starts, [*starts[1:], len(text)])]
    pieces = [p for p in pieces if p]
    for piece in pieces:
        rest = LEADING_NUMBER.sub("", piece)
        if len(piece) > MAX_LABEL or "。" in piece or any(ch.isdigit() for ch in rest):
            return None
    return pieces or None


def numbering(labels: list[str], last: int) -> int:
    """The last "1." number of the current list after these labels: a numbered label sets it,
    a label of an outer level ("(二)", "三、") starts a new list, an unnumbered one leaves it
    ("1.参加…发布会总次数" / "其中:主要负责同志…" / "2.政府网站在线访谈次数")."""
    for label in labels:
        match = LEADING_NUMBER.match(label)
        if match:
            last = int(match.group(1))
        elif label_depth(label) is not None:
            last = 0
    return last


def _next_row_number(digits: str, last: int) -> str | None:
    """The tail of `digits` that numbers the next row ("…9162、政府公报" → "2"): a short number
    standing apart, else the number after `last`, else 1 for a new list; None when neither ends
    the digits."""
    fragments = printed_fragments(digits)
    tail = fragments[-1]
    if len(fragments) > 1 and len(tail) <= 2:
        return tail
    return next((str(n) for n in (last + 1, 1) if tail.endswith(str(n))), None)


@dataclass
class Scanned:
    """A printed row before its digits are read."""

    labels: list[str]  # label pieces: all but the last had no figures
    unit: str
    raw: str
    offset: int  # where the figures are (or would be) printed
    broken: str = ""  # why the digits cannot be trusted


def digits_after(text: str, position: int, last: int) -> tuple[str, int, str]:
    """(digits, end, problem) after a label. Digits glued to the next row's number give that number
    back to the next row, which then starts at the number; a number out of sequence leaves the
    row's own digits in doubt."""
    match = DIGITS.match(text, position)
    if not match:
        return "", position, ""
    digits, end = match.group(1), match.end()
    if not _GLUED_NUMBER.match(text, end):
        return digits, end, ""
    number = _next_row_number(digits, last)
    problem = "" if number else "后接的行号与上一行的编号不连续"
    cut = len(number or digits[-1])
    return digits[:-cut].strip(), end - cut, problem
