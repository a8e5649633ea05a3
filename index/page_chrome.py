"""What a government web page wraps around a report, removed before the report is parsed.

Pages saved from government sites open with the site's header ("标题:…", "发布时间:…",
"原文链接", "当前位置: 首页 > 政务公开 > …", "微信 微博 QQ空间 全真版 文字版") and close with
"附件下载" or share buttons. Left in, a header line became the report's unit ("标题: ××县…").
The header's own 标题 is kept: it is the report's title when the body's title is mangled.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_FIELD = re.compile(r"^\s*(标题|题目|发布时间|发布日期|成文日期|文号|发文字号|发布机构|发布单位|栏目|所属栏目|原文链接|本地目录|"
                    r"来源|信息来源|索引号|分类|主题分类|浏览次数|访问次数|字号)\s*[::]")
_MARKER_LINE = re.compile(r"^(=+\s*正文\s*=+|页面链接与图片详见.*|【?\s*字体\s*[::].*|打印本页|关闭窗口|"
                          r"(分享到|扫一扫)[::]?.*|附件下载.*|相关附件.*|上一篇.*|下一篇.*|"
                          r"(当前位置|您的位置|你的位置|您现在的位置)\s*[::]\D*)$")
# Inline chrome in text copied from a page: breadcrumbs, the source/time strip, share and view buttons.
_BREADCRUMB = re.compile(r"(当前位置|您的位置|你的位置|您现在的位置)\s*[::]\s*首页[^。]*?(?=\S*?\d{4}\s*年)")
_SOURCE_STRIP = re.compile(r"(来源|信息来源)\s*[::]\s*\S+\s*(时间|发布时间|日期)\s*[::]\s*[\d\-:/ ]+")
_BUTTONS = re.compile(r"(微信|微博|QQ空间|全真版|文字版|文件下载|打印|收藏|分享)(\s+(微信|微博|QQ空间|全真版|文字版|文件下载|打印|收藏|分享))+"
                      r"(\s*相关链接\s*[::]?)?(\s*-->)?")
_TRAILER = re.compile(r"\s*(附件下载|相关附件|附件\s*[::]\s*\S+\.(pdf|docx?|xlsx?)|扫一扫在手机打开当前页).*$")


@dataclass
class Chrome:
    """The page header's title and publication date, where the page had them."""

    title: str = ""
    published: str = ""
    removed: list[str] = field(default_factory=list)


def strip_page_chrome(lines: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], Chrome]:
    chrome = Chrome()
    body: list[tuple[int, str]] = []
    for number, line in lines:
        field_match = _FIELD.match(line)
        if field_match and (len(line) < 120 or not body):
            value = line[field_match.end():].strip()
            if field_match.group(1) in ("标题", "题目") and not chrome.title:
                chrome.title = value
            elif field_match.group(1) in ("发布时间", "发布日期") and not chrome.published:
                chrome.published = value
            chrome.removed.append(line)
            continue
        if _MARKER_LINE.match(line):
            chrome.removed.append(line)
            continue
        cleaned = _clean_inline(line)
        if cleaned:
            body.append((number, cleaned))
    while body and _TRAILER.fullmatch(body[-1][1]):
        chrome.removed.append(body.pop()[1])
    return body, chrome


def _clean_inline(line: str) -> str:
    line = _BREADCRUMB.sub("", line)
    line = _SOURCE_STRIP.sub(" ", line)
    line = _BUTTONS.sub(" ", line)
    return _TRAILER.sub("", line).strip()
