"""Questions for contact details ("联系电话是多少?", "What is the phone number?", "办公地址是?"): they ask for a
value of a kind, not a count, so only a sentence that holds such a value answers them. "电话咨询3200人次" names
电话 and has a figure, but a phone number it is not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# A counted question about the same words ("电话咨询有多少人次", "How many phone enquiries…") asks a count.
_COUNT = re.compile(r"几|how many", re.I)


@dataclass(frozen=True)
class ContactKind:
    name: str  # as the answer names it: "报告中未提及联系电话"
    asked: re.Pattern  # the question asks for this value
    value: re.Pattern  # a text holds one


KINDS = (
    ContactKind("电子邮箱", re.compile(r"邮箱|e-?mail", re.I), re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")),
    ContactKind("联系电话", re.compile(
        r"电话(?:号码)?(?:是|为)?(?:多少|什么|几号)|(?:什么|哪个|哪一个)(?:联系|咨询)?电话|联系电话|咨询电话|电话号码|热线|"
        r"\b(?:tele)?phone\b(?!\s*(?:enquir|inquir|consult|call))|hotline", re.I),
        # 0871-12345678, 68406611, 13912345678, 12345: seven or more digits, or a hotline's five, not a count
        re.compile(r"(?<![\d.])(?:(?:0\d{2,3}\s*[-—–]\s*)?\d{7,8}|1[3-9]\d{9}|12345)(?![\d.]|\s*[人件条次个项元万名])")),
    ContactKind("网址", re.compile(r"网址|网站地址|website|web address|\burl\b", re.I),
                re.compile(r"www\.|https?://|\.gov\.cn", re.I)),
    ContactKind("地址", re.compile(r"地址|address", re.I),
                re.compile(r"地址\s*[::]|[路街道巷村]\s*\d+\s*号")),
)


def contact_asked(question: str) -> ContactKind | None:
    """The contact detail a question asks for, or None (also for a count of phone enquiries)."""
    if _COUNT.search(question):
        return None
    return next((kind for kind in KINDS if kind.asked.search(question)), None)
