"""jieba tokens of report text and questions: computed once per chunk at ingest and stored with it, and
again for each question, so both sides are cut the same way.

`TOKENIZER` names this exact cut (the words added to jieba, the stop words, the filters, jieba's version):
an index whose chunks were cut otherwise is cut again when it is opened (index.store_counts).
"""
from __future__ import annotations

import hashlib
import logging
import re
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

_DOMAIN_WORDS = (
    "政务微博", "政务微信", "行政复议", "行政诉讼", "依申请公开", "主动公开", "新闻发布会", "政府公报",
    "政府网站", "规范性文件", "政策解读", "举报投诉", "培训班", "审核人", "填报人", "单位负责人",
    "工作人员", "专职人员", "兼职人员", "当面申请", "网络申请", "信函申请", "传真申请", "整改措施",
    "政务舆情", "昆明信息港", "党建动态", "实施方案", "予以公开", "部分公开", "不予公开", "商业企业",
    "科研机构", "社会公益组织", "法律服务机构", "自然人", "行政许可", "行政处罚", "行政强制", "行政事业性收费",
    "微博", "微信", "公报", "诉讼", "复议", "举报", "发布会", "培训", "审核", "填报", "经费", "舆情",
    "公众号", "微信公众号", "打官司", "填报日期", "联系电话", "电子邮箱", "查阅点", "下一步",
    "上年度", "下年度", "下一年", "接下来", "上年结转", "信息处理费", "政务新媒体", "未经复议", "复议后起诉",
)

STOP_WORDS = frozenset(
    """的 了 是 在 有 和 与 及 或 等 也 都 就 被 把 对 为 以 于 之 其 该 这 那 这个 那个 这些 那些 么 吗 呢 吧 啊 呀
    多少 几 几个 几次 几件 几条 几篇 几名 几人 几项 几起 多 少 什么 哪些 哪个 哪 怎么 怎样 如何 为什么 是否 是不是 有没有 没有
    请问 请 问 一下 我 我们 你 你们 他 她 它 他们 想 知道 告诉 能 可以 会 要 给 让 过 着 没 不 个 名 条 件 次 篇 人
    报告 年度 今年 全年 本年 当年 年 月 日 情况 方面 相关 具体 一共 共 总共 合计 到底 究竟 大概 大约 数量 数 总数
    去年 前年 一年 怎么样 怎么办 做 做了 得 叫 里 中 上 下 内 去 来 说 提到 提及 写 所 谁 哪里 何 时候 一个 有人 人们 大家 还 又 再 呢 吗 嘛
    因为 因 由于 所以 关于 对于 有关 以及 并且 而且 但是 然后 已经 曾经 一些 哪天 哪年 哪儿 在哪 在哪里 哪位 是谁 啥 咋 什么样
    多久 的话 这样 那样 主要 一般 分别 都有 包括 哪些是 您 咱 咱们 街道办 办事处 而 到 打
    还有 各 各自 后来 一行 这一行 一栏 这一栏 这栏 这一项 这项 表格 表里 表中 表上
    你好 您好 编写 撰写 写成 can could would should 这份 这一 整年 一整年 这一年 应该 能够 做些 些 办公 年报 年度报告 准备好 了解 想了解 一下子 麻烦 希望 想问 想请问 通过 各种 各类 各个 所有 全部 渠道 各种渠道 各个渠道 所有渠道 一共有
    the a an of in on at to for and or is are was were be been how many much what which who when where why
    did do does there their this that with by from about any all number total anyone anybody someone ever
    its it has have had been being year years annual report reports mentioned mention say says said
    please tell me us our you your they them government office subdistrict street file filed make made get got
    take took kind kinds type types main list give show according also other some happen happened via through
    during within whole overall amount count times time use used using
    district county city province town township bureau department items item""".split()
)

_BLOCK_BREAK = re.compile(r"[^\w+#&.%\-]+")  # characters jieba never joins to a neighbour (it cuts runs of the rest)
TOKEN_OK = re.compile(r"[\w\u4e00-\u9fff]")
COUNT_WORD = re.compile(r"^(几|多少)[个次件条篇名人项起家期场所位天]?$")
# The cut, named: stored tokens made under another name are made again.
TOKENIZER = hashlib.sha256("\n".join([jieba.__version__, _BLOCK_BREAK.pattern, TOKEN_OK.pattern, COUNT_WORD.pattern,
                                       *_DOMAIN_WORDS, *sorted(STOP_WORDS)]).encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def load_dictionary() -> None:
    """jieba's dictionary with the domain words: loaded on first use (about a second), not by `index list`."""
    for word in _DOMAIN_WORDS:
        jieba.add_word(word)


def tokenize(text: str) -> list[str]:
    """Search-mode tokens (both 政务微博 and 微博), lower-cased, without punctuation or stop words.

    jieba cuts each run between punctuation on its own, so runs are cut once and remembered:
    a thousand reports repeat the same template rows and phrases."""
    return [token for block in _BLOCK_BREAK.split(text.lower()) if block for token in _block_tokens(block)]


@lru_cache(maxsize=300_000)
def _block_tokens(block: str) -> tuple[str, ...]:
    load_dictionary()
    tokens = []
    for token in jieba.lcut_for_search(block):
        token = token.strip()
        if token and TOKEN_OK.search(token) and token not in STOP_WORDS and not COUNT_WORD.match(token):
            tokens.append(token)
    return tuple(tokens)


