"""One Settings class: env vars prefixed NEWSMON_, or a TOML file (NEWSMON_CONFIG, ./newsmon.toml)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _config_file() -> Path:
    return Path(os.environ.get("NEWSMON_CONFIG", "newsmon.toml"))


class Settings(BaseSettings):
    """Where things live and the limits the pipeline enforces."""

    model_config = SettingsConfigDict(env_prefix="NEWSMON_", extra="ignore")

    warehouse_dir: Path = PROJECT_ROOT / "warehouse"
    database: Path | None = Field(default=None, description="DuckDB file; default <warehouse_dir>/newsmon.duckdb")
    inbox: Path = PROJECT_ROOT / "samples" / "inbox"
    sources_file: Path | None = None
    max_file_bytes: int = 5_000_000
    min_article_chars: int = 200
    languages: list[str] = Field(default_factory=lambda: ["en"])
    boilerplate_window_days: int = 30
    boilerplate_min_docs: int = 3
    # Processes for extraction on big days (trafilatura is CPU-bound); 1 turns the pool off.
    extract_workers: int = Field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)))
    # spaCy English pipeline: md (the default, measured better on CoNLL) or sm.
    ner_model: str = "md"
    # spaCy worker processes for days with a lot of text. 1 by default: spaCy forks its
    # workers, and forking a process that runs Prefect and DuckDB threads is unsafe (see
    # docs/entities.md for the measurements).
    ner_processes: int = 1
    fetch_allow: list[str] = Field(
        default_factory=list,
        description="hosts/networks the fetcher may contact although not public (tests, intranets)",
    )
    source_stale_days: int = Field(default=3, ge=1, description="summary: web sources with nothing new this many days")
    # Story similarity: tfidf (default, no extra deps) or minilm (TF-IDF + all-MiniLM-L6-v2;
    # needs the `embeddings` extra).
    story_similarity: Literal["tfidf", "minilm"] = "tfidf"
    schedule_cron: str = "0 6 * * *"
    timezone: str = "UTC"

    @property
    def database_path(self) -> Path:
        """The DuckDB file that users query."""
        return self.database or self.warehouse_dir / "newsmon.duckdb"

    @property
    def archive_dir(self) -> Path:
        """Content-addressed raw bytes of every document."""
        return self.warehouse_dir / "raw"

    @property
    def reports_dir(self) -> Path:
        """Daily summaries as Markdown and JSON."""
        return self.warehouse_dir / "reports"

    @property
    def data_docs_dir(self) -> Path:
        """Great Expectations HTML data docs."""
        return self.warehouse_dir / "data_docs"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Init args beat env vars, which beat the TOML file."""
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=_config_file()),
        )
