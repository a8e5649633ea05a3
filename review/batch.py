"""A year's batch under review: every report's audit plus the checks against the same unit's previous year,
one row per finding with a fingerprint that stays the same when the review is run again or the report re-imported
(it is made of the unit, year, kind and the cited cells and quotes, never of line numbers or report ids)."""
from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from tqdm import tqdm

from index.report import Report
from review.across_years import previous_reports, year_findings
from review.audit import audit_report
from review.findings import Finding
from review.marks import Mark

PROGRESS_FROM = 10  # reports in a batch from which a progress bar is shown


@dataclass
class ReviewItem:
    unit: str
    year: int | None
    report_id: str
    finding: Finding
    fingerprint: str
    mark: Mark | None = None


def fingerprint(report: Report, finding: Finding) -> str:
    """A cited cell is quoted by its path, columns and value (TableRow.describe), a section by its sentence."""
    cited = sorted(f"{c.kind}|{c.label}|{c.quote}" for c in finding.citations)
    key = "\n".join([report.unit, str(report.year), finding.kind, *cited])
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def review_reports(reports: list[Report], marks: dict[str, Mark], every: Iterable[Report] = ()) -> list[ReviewItem]:
    """Findings on `reports`; the previous year is looked up among `every` report indexed (default: `reports`)."""
    earlier = previous_reports([*reports, *every])
    items: list[ReviewItem] = []
    quiet = len(reports) < PROGRESS_FROM
    for report in tqdm(reports, desc="审查报告", unit="份", file=sys.stderr, disable=quiet):
        findings = audit_report(report)
        if report.report_id in earlier:
            findings += year_findings(report, earlier[report.report_id])
        for finding in findings:
            key = fingerprint(report, finding)
            items.append(ReviewItem(report.unit, report.year, report.report_id, finding, key, marks.get(key)))
    return items
