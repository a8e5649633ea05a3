"""Scanned reports: OCR (RapidOCR, bundled PP-OCRv4 models) and tables rebuilt from what it reads.

The scan of huaian-2024.pdf must parse to what the text PDF parses to: unit, year, the six
section headings and the statistics tables' cells. A cell the scan makes unreadable is blank
(未填报) with a warning, never a guessed number. OCR runs once per scan in this module.
"""
from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from index.layout import split_cells
from index.ocr import ocr_image, ocr_pdf, page_needs_ocr, text_needs_ocr
from index.ocr_layout import Cell, PageLayout, Table, TextBox, layout_lines, read_number, snap_label
from index.parsing import parse_report
from index.readers import read_lines

SCANS = Path(__file__).parent / "data" / "scans"
HUAIAN_SCAN = SCANS / "huaian-2024-scan.pdf"
REPORT2019_SCAN = SCANS / "report2019-scan.pdf"
SIGNOFF_PHOTO = SCANS / "report2019-signoff.jpg"
FORMATS = Path(__file__).parent / "data" / "formats"
HUAIAN_TEXT = Path(__file__).parent / "data" / "real" / "huaian-2024.pdf"

HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
REQUESTS = "收到和处理政府信息公开申请情况"
REVIEWS = "政府信息公开行政复议、行政诉讼情况"
ACTIVE = "主动公开政府信息情况"


def _cells(report) -> dict[tuple, float | None]:
    return {(row.table, *row.parents, row.label, *row.columns): row.value for row in report.table_rows}


@pytest.fixture(scope="module")
def huaian():
    progress: list[tuple[int, int]] = []
    warnings: list[str] = []
    lines = ocr_pdf(HUAIAN_SCAN.read_bytes(), progress=lambda done, total: progress.append((done, total)),
                    warnings=warnings)
    return lines, warnings, progress


@pytest.fixture(scope="module")
def huaian_report(huaian):
    return parse_report(huaian[0], str(HUAIAN_SCAN), "huaian-2024-scan")


# --- the scan of huaian-2024.pdf ---------------------------------------------------------

def test_scan_pages_have_no_text_layer_and_need_ocr():
    pdf = pdfium.PdfDocument(str(HUAIAN_SCAN))
    assert all(page_needs_ocr(page) for page in pdf)


def test_scan_gives_unit_year_and_sections(huaian_report):
    assert huaian_report.unit == "淮安市人民政府"
    assert huaian_report.year == 2024
    assert [section.heading for section in huaian_report.sections] == HEADINGS


def test_scan_gives_the_text_pdfs_table_cells(huaian_report):
    cells = _cells(huaian_report)
    expected = {
        (REQUESTS, "一、本年新收政府信息公开申请数量", "法人或其他组织", "商业企业"): 53,
        (REQUESTS, "一、本年新收政府信息公开申请数量", "自然人"): 3001,
        (REQUESTS, "一、本年新收政府信息公开申请数量", "总计"): 3119,
        (REQUESTS, "三、本年度办理结果", "(一)予以公开", "总计"): 1362,
        (REQUESTS, "三、本年度办理结果", "(三)不予公开", "8.属于行政查询事项", "自然人"): 105,
        (REQUESTS, "三、本年度办理结果", "(四)无法提供", "1.本机关不掌握相关政府信息", "总计"): 769,
        (REQUESTS, "三、本年度办理结果", "(五)不予处理", "1.信访举报投诉类申请", "总计"): 62,
        (REQUESTS, "三、本年度办理结果", "(七)总计", "总计"): 3050,
        (REQUESTS, "四、结转下年度继续办理", "总计"): 103,
        (REVIEWS, "案件数量", "行政复议", "总计"): 351,
        (REVIEWS, "案件数量", "行政复议", "结果维持"): 72,
        (REVIEWS, "案件数量", "行政诉讼", "未经复议直接起诉", "总计"): 26,
        (REVIEWS, "案件数量", "行政诉讼", "复议后起诉", "总计"): 20,
        (ACTIVE, "第二十条第(八)项", "行政事业性收费", "本年收费金额"): 96171.6,
        (ACTIVE, "第二十条第(五)项", "行政许可", "本年处理决定数量"): 447228,
        (ACTIVE, "第二十条第(一)项", "行政规范性文件", "本年废止件数"): 26,
    }
    assert {key: cells.get(key) for key in expected} == expected


@pytest.mark.skipif(not HUAIAN_TEXT.exists(), reason="the text PDF of the scan is not on this machine")
def test_scan_cells_agree_with_the_text_pdf(huaian_report):
    text = _cells(parse_report(read_lines(HUAIAN_TEXT), str(HUAIAN_TEXT), "huaian-2024"))
    scan = _cells(huaian_report)
    equal = [key for key, value in text.items() if key in scan and scan[key] == value]
    wrong = {key: (value, scan[key]) for key, value in text.items() if key in scan and scan[key] is not None
             and scan[key] != value}
    assert len(equal) >= 0.95 * len(text)
    assert not wrong  # a cell is read right or left blank, never misread


def test_scan_narrative_is_joined_and_page_numbers_dropped(huaian):
    lines = huaian[0]
    assert not any(re.fullmatch(r"[-—]\s*\d+\s*[-—]", line) for line in lines)
    # A paragraph wrapped by the page and broken by pages 1-2 is one line again.
    paragraph = next(line for line in lines if line.startswith("(一)主动公开情况"))
    assert "建设‘四最’一流营商环境" in paragraph and paragraph.endswith("回应舆论关切。")


def test_scan_progress_is_reported_per_page(huaian):
    assert huaian[2] == [(n, 6) for n in range(1, 7)]


# --- a scan with a seal, skew, noise and a smudged cell ---------------------------------

@pytest.fixture(scope="module")
def smudged_page():
    warnings: list[str] = []
    return ocr_pdf(REPORT2019_SCAN.read_bytes(), warnings=warnings, pages=[0]), warnings


def test_unreadable_cell_is_blank_with_a_warning(smudged_page):
    lines, warnings = smudged_page
    row = next(split_cells(line) for line in lines if line.startswith("一、本年新收"))
    assert row[-7:] == ["", "6", "0", "1", "2", "0", "67"]  # 自然人 (printed 58) smudged
    assert any("一、本年新收" in warning and "未填报" in warning for warning in warnings)


def test_skewed_noisy_scan_reads_the_active_table(smudged_page):
    report_lines = smudged_page[0]
    rows = [split_cells(line) for line in report_lines if "|" in line]
    assert ["行政许可", "1268", "1268", "1268"] in [row[:4] for row in rows]
    assert any(row[0] == "行政事业性收费" and row[1] == "12.56" for row in rows)


def test_photo_with_red_seal_reads_signoff_and_review_table():
    warnings: list[str] = []
    lines = ocr_image(SIGNOFF_PHOTO.read_bytes(), warnings=warnings)
    assert "青岚区人民政府办公室" in lines
    assert "2022年1月20日" in lines
    review = [split_cells(line) for line in lines if "|" in line][-1]
    assert review == ["2", "1", "0", "1", "4", "1", "0", "0", "1", "2", "0", "1", "", "0", "1"]


# --- without OCR --------------------------------------------------------------------------

def test_text_layers_that_need_ocr():
    assert text_needs_ocr("")
    assert text_needs_ocr("- 1 -")
    assert text_needs_ocr("\ue001\ue002\ue003\ue004\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd政府")
    assert text_needs_ocr("(cid:12)(cid:13)(cid:14)(cid:15)(cid:16)(cid:17)")
    assert not text_needs_ocr("淮安市人民政府2024年政府信息公开工作年度报告")


def test_text_pdf_pages_do_not_need_ocr():
    import pdfplumber

    with pdfplumber.open(FORMATS / "report2019.pdf") as pdf:
        assert not any(page_needs_ocr(page) for page in pdf.pages)


def test_numbers_read_as_letters_are_fixed_and_junk_is_refused():
    assert read_number("O") == "0"
    assert read_number("1O5") == "105"
    assert read_number("l2") == "12"
    assert read_number("96171.6") == "96171.6"
    assert read_number("】") is None
    assert read_number("5件") is None


def test_labels_snap_to_the_template_only_when_close():
    assert snap_label("1.属于国家秘蜜") == "1.属于国家秘密"
    assert snap_label("结累纠正") == "结果纠正"
    assert snap_label("其他结果") == "其他结果"
    assert snap_label("本年度工作") == "本年度工作"


def _table(rows: list[list[tuple[str, int]]], top: float, bottom: float, score: dict | None = None,
           open_top: bool = False, open_bottom: bool = False) -> Table:
    """A table from rows of (text, column span); every cell one row high."""
    xs = [100.0 + 100 * c for c in range(max(sum(span for _, span in row) for row in rows) + 1)]
    ys = [top + (bottom - top) * r / len(rows) for r in range(len(rows) + 1)]
    cells = []
    for r, row in enumerate(rows):
        c = 0
        for text, span in row:
            cell = Cell(text, r, c, r + 1, c + span, score=(score or {}).get(text, 0.99),
                        open_top=open_top and r == 0, open_bottom=open_bottom and r == len(rows) - 1,
                        box=(xs[c], ys[r], xs[c + span], ys[r + 1]))
            cells.append(cell)
            c += span
    return Table((xs[0], ys[0], xs[-1], ys[-1]), xs, ys, cells)


def test_layout_joins_pages_tables_and_blanks_unsure_cells():
    line = lambda text, x0, y, x1: TextBox(text, 0.99, x0, y, x1, y + 40)  # noqa: E731
    page1 = PageLayout(1, 1240, 1754, lines=[
        line("(一)主动公开情况。本年度共公开信息", 200, 200, 1040),
        line("100条,其中规章1件。", 140, 260, 700),
        line("(二)依申请公开。", 200, 320, 700),
        line("-1-", 600, 1680, 660),
    ], tables=[_table([[("(四)无", 1), ("1.本机关不掌握相关政府信息", 1), ("7", 1)]], 1400, 1600)])
    page2 = PageLayout(2, 1240, 1754, lines=[line("2", 600, 1690, 630)], tables=[
        _table([[("法提供", 1), ("2.没有现成信息需要另行制作", 1), ("3", 1)],
                [("(五)不予处理", 1), ("1.信访举报投诉类申请", 1), ("8S#", 1)]], 100, 300, score={"8S#": 0.4})])
    warnings: list[str] = []
    lines = layout_lines([page1, page2], warnings)
    assert lines == [
        "(一)主动公开情况。本年度共公开信息100条,其中规章1件。",
        "(二)依申请公开。",
        "(四)无法提供 | 1.本机关不掌握相关政府信息 | 7 |",
        "(四)无法提供 | 2.没有现成信息需要另行制作 | 3 |",
        "(五)不予处理 | 1.信访举报投诉类申请 |  |",
    ]
    assert len(warnings) == 1 and "1.信访举报投诉类申请" not in warnings[0] or "8S#" in warnings[0]
    # Each line knows where it was printed: a paragraph by its printed lines, a row by its band on its page.
    assert [p.text for p in lines[0].pieces] == ["(一)主动公开情况。本年度共公开信息", "100条,其中规章1件。"]
    assert lines[0].pieces[1].box == pytest.approx((140 / 1240, 260 / 1754, 700 / 1240, 260 / 1754, 700 / 1240,
                                                    300 / 1754, 140 / 1240, 300 / 1754), abs=1e-4)
    assert [(line.pieces[0].page, line.pieces[0].text) for line in lines[2:]] == [(1, lines[2]), (2, lines[3]),
                                                                                   (2, lines[4])]
    assert lines[3].pieces[0].box[1::2] == pytest.approx((100 / 1754, 100 / 1754, 200 / 1754, 200 / 1754), abs=1e-4)


def test_boxes_on_a_straightened_page_are_turned_back_onto_the_page_as_printed():
    """OCR reads a page turned straight (cv2, as index.ocr does); a box it finds there outlines the same print on
    the page as the file shows it."""
    import cv2
    import numpy as np

    printed = np.full((400, 600), 255, np.uint8)
    printed[60:70, 440:450] = 0  # a dot near the top right corner
    straight = cv2.warpAffine(printed, cv2.getRotationMatrix2D((300, 200), 4.0, 1.0), (600, 400), borderValue=255)
    ys, xs = np.nonzero(straight < 128)
    box = PageLayout(1, 600, 400, angle=4.0).share((xs.min(), ys.min(), xs.max() + 1, ys.max() + 1))
    corners = [(x * 600, y * 400) for x, y in zip(box[0::2], box[1::2])]
    assert abs(sum(x for x, _ in corners) / 4 - 445) < 1 and abs(sum(y for _, y in corners) / 4 - 65) < 1


# --- OCR in the import path ----------------------------------------------------------------

@pytest.fixture(scope="module")
def mixed_pdf(tmp_path_factory) -> Path:
    """huaian's text pages 1-5 and the scan of its page 6 (sections 五 and 六): a text PDF whose last page
    was scanned, as units often append a signed and stamped page."""
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(str(HUAIAN_TEXT)), [0, 1, 2, 3, 4])
    mixed.import_pages(pdfium.PdfDocument(str(HUAIAN_SCAN)), [5])
    path = tmp_path_factory.mktemp("mixed") / "huaian-mixed-2024.pdf"
    mixed.save(str(path))
    return path


def test_a_scanned_page_among_text_pages_is_read_in_its_place(mixed_pdf, tmp_path):
    from index.ingest import ReadOptions, parse_file
    from index.readers import OcrOptions

    pages: list[tuple[int, int]] = []
    options = ReadOptions(ocr=OcrOptions(tmp_path / "ocr-cache", lambda done, total: pages.append((done, total))))
    report = parse_file(mixed_pdf, options=options)
    assert pages == [(1, 1)]  # only the scanned page was recognised
    assert [s.heading for s in report.sections] == HEADINGS
    assert "信息处理费" in report.sections[5].text and "3940" in report.sections[5].text
    assert _cells(report)[(REQUESTS, "一、本年新收政府信息公开申请数量", "总计")] == 3119  # from the text layer
    again: list[tuple[int, int]] = []
    options = ReadOptions(ocr=OcrOptions(tmp_path / "ocr-cache", lambda done, total: again.append((done, total))))
    assert parse_file(mixed_pdf, options=options).sections == report.sections
    assert again == []  # what OCR read was kept: no page is recognised twice


def test_index_add_reads_a_scan_with_progress_and_refuses_without_ocr(mixed_pdf, tmp_path):
    from conftest import run_cli

    data_dir = tmp_path / "data"
    added = run_cli(["-m", "index", "add", str(mixed_pdf)], data_dir)
    assert added.returncode == 0, added.stderr
    assert "文字识别: 第 1/1 页" in added.stderr
    assert "已导入 huaian-mixed-2024: 淮安市人民政府2024年政府信息公开工作年度报告 — 6 个章节" in added.stdout
    assert list((data_dir / "ocr-cache").glob("*.json"))
    with pytest.raises(Exception, match="可能是扫描件,需要先做文字识别"):
        read_lines(HUAIAN_SCAN)  # a reader given no OCR options refuses a scan by name
