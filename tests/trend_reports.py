"""西翥街道 over four years for trend tests: the bundled 2018 example, tests/data/multi/xizhu-2019.txt, and 2020
and 2021 made from 2019 with other figures; 2020 leaves its 行政复议 总计 blank."""
from __future__ import annotations

from pathlib import Path

from tests.conftest import EXAMPLE

MULTI = Path(__file__).parent / "data" / "multi"
NEW_REQUESTS = "一、本年新收政府信息公开申请数量"
RECONSIDERATION_ROW = "1 | 0 | 0 | 1 | 2 |"  # 行政复议 维持, 纠正, 其他, 尚未审结, 总计 in 2019


def later_year(target: Path, year: int, requests: str, reconsideration: str) -> Path:
    """The 2019 report as `year`'s, with its 新收申请 row and the 行政复议 cells replaced."""
    text = (MULTI / "xizhu-2019.txt").read_text(encoding="utf-8").replace("2019", str(year))
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if line.startswith(NEW_REQUESTS):
            lines[n] = line.replace("| 3 | 1 | 0 | 0 | 0 | 0 | 4 |", requests)
        if line.startswith(RECONSIDERATION_ROW):
            lines[n] = line.replace(RECONSIDERATION_ROW, reconsideration, 1)
    path = target / f"xizhu-{year}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def xizhu_2020(target: Path) -> Path:
    """7 new requests; 行政复议 总计 left blank (未填报)."""
    return later_year(target, 2020, "| 6 | 1 | 0 | 0 | 0 | 0 | 7 |", "1 | 0 | 0 | 1 |  |")


def xizhu_2021(target: Path) -> Path:
    """5 new requests; 行政复议 总计 3."""
    return later_year(target, 2021, "| 4 | 1 | 0 | 0 | 0 | 0 | 5 |", "2 | 1 | 0 | 0 | 3 |")


def xizhu_years(target: Path) -> list[Path]:
    """2018 to 2021, oldest first."""
    return [EXAMPLE, MULTI / "xizhu-2019.txt", xizhu_2020(target), xizhu_2021(target)]
