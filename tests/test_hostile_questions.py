"""Hostile questions and report text at the answering service, on a real index: the length limit counts what was
sent, control characters included; bidi overrides and zero-width characters in a report's text do not reach the
answer, streamed or not."""
from __future__ import annotations

import re

import pytest

from assistant.service import AssistantService, QuestionError
from tests.conftest import EXAMPLE, components_with, settings_for

HIDDEN = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
WEIBO = "2018年西翥街道办事处通过官方政务微博发布信息690条。"


def test_control_characters_count_toward_the_length_limit(service):
    with pytest.raises(QuestionError, match=r"问题太长\(50008 字\)"):
        service.ask("\x01" * 50_000 + "微博发了多少条?")
    assert service.validate("\x01\x1b微博发了多少条?\x7f", None) == "微博发了多少条?"


def test_bidi_overrides_in_a_report_stay_out_of_the_answer(tmp_path, embeddings):
    source = tmp_path / "xizhu-2018.txt"
    text = EXAMPLE.read_text(encoding="utf-8")
    assert WEIBO in text
    source.write_text(text.replace(WEIBO, "2018年西翥街道办事处通过\u202e官方政务微博\u200b发布信息\u2066690条\u2069。"),
                      encoding="utf-8")
    built = components_with(settings_for(tmp_path / "data"), embeddings)
    built.ingestor.add_file(source)
    service = AssistantService(built)
    for question in ("政务微博发布信息的情况怎么样?", "微博发了多少条?"):
        answer = service.ask(question)
        assert "官方政务微博发布信息690条" in answer.text and not HIDDEN.search(answer.text), answer.text
        *pieces, streamed = service.stream(question)
        assert "".join(pieces) == streamed.text == answer.text
