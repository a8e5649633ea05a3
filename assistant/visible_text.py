"""Text as it may be shown: report text and questions can carry characters that turn or hide what is shown."""
from __future__ import annotations


def visible(text: str) -> str:
    """Without control and format characters (U+202E and the other bidi overrides, zero-width spaces): they
    are no words of a question, and shown back they would turn or hide text."""
    return "".join(ch for ch in text or "" if ch.isprintable() or ch in "\n\t")
