"""`python app.py`: the web chat on GIA_HOST:GIA_PORT (default 127.0.0.1:7860), fully offline.

The answering service is built in a background thread (indexing the bundled reports on a
fresh machine), so the page is up while the embedding model loads; a question asked
meanwhile waits for it.
"""
from __future__ import annotations

import os

# Before gradio / huggingface_hub are imported: no telemetry, no version checks, no downloads.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import logging  # noqa: E402

from settings import get_settings  # noqa: E402
from webapp.loader import ServiceLoader  # noqa: E402


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    from webapp.server import create_app, serve

    loader = ServiceLoader(settings)
    app = create_app(loader, settings)
    # Started only now: importing gradio and the model's libraries in two threads at once can
    # trip over half-imported shared modules (numpy).
    loader.start()
    serve(app, settings)


if __name__ == "__main__":
    main()
