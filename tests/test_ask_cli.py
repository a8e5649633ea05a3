"""The `python -m assistant ask` contract other tools depend on, through a real subprocess."""
from __future__ import annotations

import json

from conftest import run_cli


def test_jsonl_contract_in_order_with_bad_lines(cli_data_dir):
    lines = [
        json.dumps({"question": "微博发了多少条?"}, ensure_ascii=False),
        "this is not json",
        json.dumps({"question": ""}),
        json.dumps({"question": "问" * 10_000}, ensure_ascii=False),
        json.dumps({"question": "那行政诉讼呢?", "history": [["2018年行政复议有几件?", "1 件"]]}, ensure_ascii=False),
        json.dumps({"question": "辖区常住人口有多少?"}, ensure_ascii=False),
        json.dumps({"question": "微博发了多少条?", "report": "no-such-report"}, ensure_ascii=False),
    ]
    result = run_cli(["-m", "assistant", "ask", "--jsonl"], cli_data_dir, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    outs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outs) == len(lines)
    weibo, not_json, empty, too_long, follow_up, refusal, unknown = outs
    assert set(weibo) == {"answer", "found", "citations", "latency_ms"}
    assert weibo["found"] and "690" in weibo["answer"]
    assert {tuple(sorted(c)) for c in weibo["citations"]} == {("kind", "label", "quote", "report")}
    assert weibo["citations"][0] == {
        "kind": "table_row", "report": "xizhu-2018", "label": "3.政务微博公开政府信息数",
        "quote": "附表《政府信息公开情况统计表》 > 一、主动公开情况 > (二)通过不同渠道和方式公开政府信息的情况 > "
                 "3.政务微博公开政府信息数: 690 条"}
    assert "JSON" in not_json["error"]
    assert "question" in empty["error"]
    assert "太长" in too_long["error"]
    assert follow_up["found"] and "行政诉讼" in follow_up["citations"][0]["label"]
    assert refusal["found"] is False and "未提及" in refusal["answer"] and refusal["citations"] == []
    assert "未知的报告" in unknown["error"]
    assert all(isinstance(o["latency_ms"], float) for o in outs)


def test_plain_ask_prints_answer_and_sources(cli_data_dir):
    result = run_cli(["-m", "assistant", "ask", "行政复议有几件?"], cli_data_dir)
    assert result.returncode == 0, result.stderr
    assert "1 件" in result.stdout and "来源:" in result.stdout and "四、行政复议数量" in result.stdout
