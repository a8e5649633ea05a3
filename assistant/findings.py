"""What an audit reports: a finding with its severity, a one-line Chinese explanation and the places it cites."""
from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answer import Citation

MISMATCH = "mismatch"  # two places of the report cannot both be right
NEEDS_REVIEW = "needs_review"  # may be right, but staff should look before publishing


@dataclass
class Finding:
    kind: str  # narrative_vs_table | children_sum | intro_sections | narrative_sum
    severity: str
    explanation: str
    citations: list[Citation] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"kind": self.kind, "severity": self.severity, "explanation": self.explanation,
                "citations": [c.to_json() for c in self.citations]}
