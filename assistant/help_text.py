"""Greetings and "你能做什么?": a short guide to what can be asked, not a refusal.

A greeting names nothing a report says, so without this it would be refused as "报告中未提及…",
which tells a first-time user nothing about how to use the assistant.
"""
from __future__ import annotations

import re

from assistant.answer import Answer
from assistant.corpus import Corpus

_GREETING = re.compile(r"^\s*(你好|您好|嗨|哈喽|hello|hi|hey|在吗|在不在|早上好|下午好|晚上好|谢谢|多谢|感谢|thanks?|thank you)"
                       r"[\s!!。.,,~～啊呀呢哦啦你您]*$", re.I)
_HELP = re.compile(r"你.{0,2}(能|会|可以)(做|干|帮|回答|问)|(能|可以)(问|回答)(些|哪些)?(什么|问题)|怎么(用|使用|提问)|如何(使用|提问)|使用说明|"
                   r"帮助|^\s*help\s*[??]?\s*$|what can you (do|answer)|how (do i|to) use", re.I)
_THANKS = re.compile(r"谢|thank", re.I)
MAX_LISTED_REPORTS = 5


def is_help_request(question: str) -> bool:
    return bool(_GREETING.match(question) or _HELP.search(question))


def help_answer(question: str, corpus: Corpus) -> Answer:
    names = [corpus.report_name(rid) for rid in list(corpus.reports)[:MAX_LISTED_REPORTS]]
    more = f"等 {len(corpus.reports)} 份" if len(corpus.reports) > len(names) else ""
    indexed = f"目前已收录{'、'.join(names)}{more}政府信息公开工作年度报告。" if names else "目前还没有收录报告。"
    greeting = "不客气!" if _THANKS.search(question) else "您好!"
    text = (f"{greeting}我可以回答关于政府信息公开工作年度报告的问题,答案都注明出自报告的哪一节或统计表的哪一行。{indexed}\n"
            "可以这样问:\n"
            "- 统计表里的数字:“微博发布了多少条信息?”“行政复议有几起?”“培训了多少人次?”\n"
            "- 正文内容:“存在哪些问题?”“明年有什么计划?”“联系电话是多少?”\n"
            "- 报告本身:“这份报告是哪年的?”“报告在哪里公布?”\n"
            "- 几份报告之间:“2018年和2019年的行政复议数量对比”“历年行政诉讼有什么变化?”")
    return Answer(text=text, found=True, question=question)
