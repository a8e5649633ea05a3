"""What an audit reports: a finding with its severity, a one-line Chinese explanation and the places it cites."""
from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answer import Citation

MISMATCH = "mismatch"  # two places of the report cannot both be right
NEEDS_REVIEW = "needs_review"  # may be right, but staff should look before publishing


SEVERITY_NAMES = {MISMATCH: "不一致", NEEDS_REVIEW: "需核实"}
KIND_NAMES = {
    "narrative_vs_table": "正文与统计表不符",
    "narrative_sum": "正文列举超过合计",
    "children_sum": "表内合计不符",
    "table_rule": "勾稽关系不成立",
    "blank_cell": "应填未填",
    "template_version": "模板版本不符",
    "sections": "章节结构",
    "intro_sections": "导语目录",
    "carry_over": "上年结转不符",
    "docs_in_force": "现行有效文件",
    "year_jump": "年度变化过大",
}


@dataclass
class Finding:
    kind: str  # one of KIND_NAMES
    severity: str
    explanation: str
    citations: list[Citation] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"kind": self.kind, "severity": self.severity, "explanation": self.explanation,
                "citations": [c.to_json() for c in self.citations]}
