"""A trend over one unit's years is also a line chart in the chat (Debian's Chromium against `python app.py`):
one drawn point per year that has a number, at its height; a blank year is a gap in the line labelled 未填报,
never a point at 0; the chart has a Chinese accessible name and fits desktop and phone widths. The `ask` API
carries the same series; an unreadable cell is a gap too."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assistant.service import AssistantService
from tests.conftest import components_with, settings_for
from tests.trend_reports import MULTI, later_year, xizhu_years
from tests.web_helpers import OUTPUT, SIZES, ask, ask_in_page, chromium, open_chat, serving_copy, sized_context

QUESTION = "西翥街道这几年的行政复议数量是怎么变化的?"
CHART_NAME = "行政复议数量 2018–2021 年折线图"
# Each drawn point, gap and year label of the chart as (year or value, centre x, centre y) on the page.
CHART_JS = """(figure) => {
  const centre = (el) => { const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; };
  const all = (selector) => [...figure.querySelectorAll(selector)];
  return {
    points: all('circle.point').map((el) => [el.querySelector('title').textContent, ...centre(el)]),
    values: all('text.point-value').map((el) => el.textContent),
    gaps: all('text.gap-label').map((el) => [el.textContent, ...centre(el)]),
    gapTitles: all('line.gap title').map((el) => el.textContent),
    years: all('text.year').map((el) => [el.textContent, ...centre(el)]),
    lines: all('line.line').map((el) => { const r = el.getBoundingClientRect(); return [r.left, r.right]; }),
    axis: figure.querySelector('line.axis').getBoundingClientRect().top,
    box: figure.getBoundingClientRect().toJSON(),
  };
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory, cli_data_dir):
    """The example (2018) and 西翥 2019-2021 indexed through `python -m index add`; 2020's 行政复议 总计 is blank."""
    folder = tmp_path_factory.mktemp("trend-chart")
    yield from serving_copy(cli_data_dir, folder / "data", *xizhu_years(folder)[1:])


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


@pytest.mark.parametrize("size", list(SIZES))
def test_a_trend_is_a_line_chart_with_the_blank_year_as_a_labelled_gap(app, browser, size):
    width, height = SIZES[size]
    context = sized_context(browser, size)
    page = context.new_page()
    try:
        open_chat(page, app.url)
        turn, _ = ask_in_page(page, QUESTION)
        expect(turn.answer.locator("table tbody tr")).to_have_count(4)
        figure = turn.extra.get_by_role("figure", name=f"{CHART_NAME}(单位:件)")
        expect(figure).to_be_visible()
        expect(figure.get_by_role("img", name=CHART_NAME)).to_have_count(1)
        assert figure.locator("desc").text_content() == "2018年 1 件；2019年 2 件；2020年 未填报；2021年 3 件。"
        page.wait_for_timeout(1000)  # the answer's last update has landed, and the chat's own scrolling with it
        figure.evaluate("(el) => el.scrollIntoView({block: 'start'})")
        chart = figure.evaluate(CHART_JS)

        assert [p[0] for p in chart["points"]] == ["2018年:1 件", "2019年:2 件", "2021年:3 件"]
        assert chart["values"] == ["1", "2", "3"]
        assert [g[0] for g in chart["gaps"]] == ["未填报"] and chart["gapTitles"] == ["2020年:未填报"]
        years = {label: x for label, x, _ in chart["years"]}
        assert list(years) == ["2018", "2019", "2020", "2021"]
        gap_x = chart["gaps"][0][1]
        assert abs(gap_x - years["2020"]) < 1  # the label stands on 2020
        for (_, x, _), year in zip(chart["points"], ("2018", "2019", "2021")):
            assert abs(x - years[year]) < 1
        assert all(abs(x - gap_x) > 5 for _, x, _ in chart["points"])  # no point for 2020, not even at 0
        assert len(chart["lines"]) == 1 and chart["lines"][0][1] < gap_x  # 2018-2019; the line stops at the gap
        heights = [chart["axis"] - y for _, _, y in chart["points"]]  # above the zero line, in proportion
        assert all(h > 10 for h in heights)
        assert heights[1] / heights[0] == pytest.approx(2, rel=0.05)
        assert heights[2] / heights[0] == pytest.approx(3, rel=0.05)

        expect(turn.sources).to_have_count(4)  # every year's cell is cited
        box = chart["box"]
        assert box["left"] >= 0 and box["right"] <= width and box["width"] >= (400 if size == "desktop" else 250)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(OUTPUT / f"trend-chart-{size}.png"))
        figure.screenshot(path=str(OUTPUT / f"trend-chart-{size}-figure.png"))
    finally:
        context.close()


def test_the_ask_api_carries_the_series(app):
    result = ask(app.url, QUESTION)
    assert result["series"] == {"label": "行政复议数量", "unit": "件", "points": [
        {"year": 2018, "value": 1.0, "text": "1 件"}, {"year": 2019, "value": 2.0, "text": "2 件"},
        {"year": 2020, "value": None, "text": "未填报"}, {"year": 2021, "value": 3.0, "text": "3 件"}]}
    assert "series" not in ask(app.url, "2018年西翥街道行政复议有几件?")


def test_an_unreadable_year_is_a_gap_and_not_called_blank(tmp_path, embeddings):
    built = components_with(settings_for(tmp_path / "data"), embeddings)
    built.ingestor.add_file(MULTI / "xizhu-2019.txt")
    built.ingestor.add_file(later_year(tmp_path, 2020, "| 4 | 1 | 0 | 0 | 0 | 0 | 5 |", "2 | 1 | 0 | 0 | 3?|"))
    answer = AssistantService(built).ask(QUESTION)
    assert answer.series.points == [(2019, 2.0, "2 件"), (2020, None, "无法识别")]
    flat = "".join(answer.text.split())
    assert "2020年该项无法识别,不计为0" in flat and "未填报" not in flat
