"""The chat while its Chroma server is down (killed by pid, then started again), in Debian's Chromium against
`python app.py`: the question gets the apology as an error, with nothing to rate and no sources, and the next
question after the server is back is answered and can be rated again."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from assistant.service import UNAVAILABLE
from tests.conftest import EXAMPLE, components_with, server_settings
from tests.web_helpers import AppProcess, ask_in_page, launch_chromium, open_chat

QUESTION = "微博发了多少条?"


@pytest.fixture()
def app(tmp_path, own_chroma, memo_embeddings):
    settings = server_settings(tmp_path / "data", own_chroma.port)
    components_with(settings, memo_embeddings).ingestor.add_file(EXAMPLE)
    running = AppProcess(settings.data_dir, CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(own_chroma.port),
                         CHROMA_COLLECTION=settings.chroma_collection).start()
    try:
        running.wait_answering()
        yield running
    finally:
        running.stop()


def test_the_store_down_apology_is_an_error_without_feedback_buttons(app, own_chroma):
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            page = chromium.new_page(viewport={"width": 1280, "height": 900})
            open_chat(page, app.url)
            answered, _ = ask_in_page(page, QUESTION)
            expect(answered.feedback("helpful")).to_be_visible()

            own_chroma.stop()
            apology, _ = ask_in_page(page, QUESTION)
            expect(apology.answer).to_contain_text(UNAVAILABLE)
            expect(apology.answer.locator(".badge-error")).to_have_text("出错了")
            expect(apology.feedback("helpful")).to_have_count(0)
            expect(apology.feedback("wrong")).to_have_count(0)
            expect(apology.sources).to_have_count(0)

            own_chroma.start()
            back, _ = ask_in_page(page, QUESTION)
            expect(back.answer).to_contain_text("690")
            expect(back.feedback("wrong")).to_be_visible()
        finally:
            chromium.close()
