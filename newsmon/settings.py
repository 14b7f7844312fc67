"""One Settings class: env vars prefixed NEWSMON_, or a TOML file (NEWSMON_CONFIG, ./newsmon.toml).

Default paths: in a clone (an editable install, `make setup`) the warehouse is the clone's
`warehouse/` and the inbox its bundled sample; in an installed package they are
`./warehouse` and `./inbox` under the working directory, never site-packages.
"""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class ConfigError(ValueError):
    """The configuration cannot be used; the message says what to fix."""


def _in_clone() -> bool:
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "samples" / "inbox").is_dir()


def _default_warehouse_dir() -> Path:
    return (PROJECT_ROOT if _in_clone() else Path.cwd()) / "warehouse"


def _default_inbox() -> Path:
    return PROJECT_ROOT / "samples" / "inbox" if _in_clone() else Path.cwd() / "inbox"


def _config_file() -> Path:
    return Path(os.environ.get("NEWSMON_CONFIG", "newsmon.toml"))


def _listed(value: Any) -> Any:
    """A list setting from the environment: JSON (`["en","fr"]`) or comma-separated (`en,fr`)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        return json.loads(text)
    return [part.strip() for part in text.split(",") if part.strip()]


class Settings(BaseSettings):
    """Where things live and the limits the pipeline enforces."""

    model_config = SettingsConfigDict(env_prefix="NEWSMON_", extra="ignore")

    warehouse_dir: Path = Field(default_factory=_default_warehouse_dir)
    database: Path | None = Field(
        default=None,
        description="the warehouse: a DuckDB file (default <warehouse_dir>/newsmon.duckdb) or a DuckLake (*.lake)",
    )
    # file: one DuckDB file, copied and swapped in by each run (warehouse/db.py). ducklake: a folder of Parquet
    # files and a catalog, each run one snapshot of its own rows (warehouse/lake.py, docs/storage.md).
    storage: Literal["file", "ducklake"] = "file"
    # A DuckLake's catalog: sqlite (a file in the lake folder: one machine) or postgres:<libpq connection string>
    # (several machines; the password from PGPASSWORD or ~/.pgpass, not from here).
    lake_catalog: str = "sqlite"
    inbox: Path = Field(default_factory=_default_inbox)
    sources_file: Path | None = None
    max_file_bytes: int = Field(default=5_000_000, ge=1)
    min_article_chars: int = 200
    # Symbolic links in the inbox that lead outside it are refused (whoever can drop a link
    # could otherwise copy any readable file on the server into the warehouse); true follows them.
    inbox_follow_links: bool = False
    # Budgets per document: extraction seconds (a document over it is quarantined as `timeout`).
    extract_seconds: float = Field(default=30.0, gt=0)
    languages: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["en"])
    # Bounded: the window's first day is computed from each run's day (10 years is far past any use).
    boilerplate_window_days: int = Field(default=30, ge=1, le=3650)
    boilerplate_min_docs: int = 3
    # Processes for extraction on big days (trafilatura is CPU-bound); 1 turns the pool off.
    extract_workers: int = Field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)))
    # spaCy English pipeline: md (the default, measured better on CoNLL) or sm.
    ner_model: Literal["md", "sm"] = "md"
    # spaCy worker processes for days with a lot of text. 1 by default: spaCy forks its
    # workers, and forking a process that runs Prefect and DuckDB threads is unsafe (see
    # docs/entities.md for the measurements).
    ner_processes: int = 1
    # A Dask scheduler (tcp://host:8786): extraction and NER run in batches on its workers
    # (flows/fanout.py, docs/scaling.md). Unset: everything runs on this machine.
    dask_address: str | None = None
    fetch_allow: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="hosts/networks the fetcher may contact although not public (tests, intranets)",
    )
    source_stale_days: int = Field(default=3, ge=1, description="summary: web sources with nothing new this many days")
    # Story similarity: tfidf (default, no extra deps) or minilm (TF-IDF + all-MiniLM-L6-v2;
    # needs the `embeddings` extra).
    story_similarity: Literal["tfidf", "minilm"] = "tfidf"
    schedule_cron: str = "0 6 * * *"
    timezone: str = "UTC"
    # Apprise URLs (mailto://, json://, slack://, ...) told after every run: the summary, or what failed.
    # They carry passwords and tokens: set NEWSMON_NOTIFY in the environment, not in a committed newsmon.toml.
    notify: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="apprise URLs notified after each run (flows/notify.py)"
    )

    @field_validator("languages", "fetch_allow", "notify", mode="before")
    @classmethod
    def _split_lists(cls, value: Any) -> Any:
        return _listed(value)

    @field_validator("lake_catalog")
    @classmethod
    def _known_catalog(cls, value: str) -> str:
        if value != "sqlite" and not value.startswith("postgres:"):
            raise ValueError("use sqlite or postgres:<libpq connection string>")
        return value

    @model_validator(mode="after")
    def _storage_fits_path(self) -> Settings:
        if self.database is None:
            return self
        lake = self.database.suffix == ".lake" or self.database.is_dir()
        if lake != (self.storage == "ducklake"):
            want = "a folder named *.lake" if self.storage == "ducklake" else "a DuckDB file, not a folder or *.lake"
            raise ValueError(f"storage {self.storage} needs database to be {want}; got {self.database}")
        return self

    @property
    def database_path(self) -> Path:
        """The warehouse users query: a DuckDB file, or a DuckLake folder."""
        default = "newsmon.lake" if self.storage == "ducklake" else "newsmon.duckdb"
        return self.database or self.warehouse_dir / default

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


def _source_of(field: str) -> str:
    env = f"NEWSMON_{field.upper()}"
    return f"the environment variable {env}" if env in os.environ else f"the config file {_config_file()}"


def _unknown_keys(keys: list[str]) -> str:
    said = []
    for key in keys:
        near = difflib.get_close_matches(key, list(Settings.model_fields), n=1)
        said.append(f"unknown setting {key!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
    listed = "" if all("did you mean" in x for x in said) else f"; the settings are: {', '.join(Settings.model_fields)}"
    return "; ".join(said) + listed


def load_settings() -> Settings:
    """Settings, or a ConfigError whose one line says what is wrong and where to fix it."""
    path = _config_file()
    if "NEWSMON_CONFIG" in os.environ and not path.exists():
        raise ConfigError(f"NEWSMON_CONFIG points to {path}, which does not exist; fix the path or unset it")
    if path.exists():
        try:
            text = path.read_text(encoding="utf-8")
            if text.startswith("\ufeff"):  # pydantic-settings reads the file itself, and TOML refuses a BOM
                raise ConfigError(
                    f"config file {path} starts with a byte-order mark (saved as UTF-8 with BOM);"
                    " save it as plain UTF-8"
                )
            table = tomllib.loads(text)
        except IsADirectoryError:
            raise ConfigError(f"config file {path} is a folder; point NEWSMON_CONFIG at a TOML file") from None
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise ConfigError(f"config file {path} is not UTF-8 text") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
        unknown = [key for key in table if key not in Settings.model_fields]
        if unknown:  # a misspelt limit would be ignored without a word and the default used
            raise ConfigError(f"config file {path}: {_unknown_keys(unknown)}")
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            if not err["loc"]:  # a check across settings (model_validator): its message names them
                problems.append(err["msg"].removeprefix("Value error, "))
                continue
            field = ".".join(str(part) for part in err["loc"])
            problems.append(f"{field} = {err.get('input')!r} (from {_source_of(field)}): {err['msg']}")
        raise ConfigError("bad setting " + "; ".join(problems)) from None
    except (ValueError, json.JSONDecodeError) as exc:  # pydantic-settings' SettingsError for undecodable env values
        raise ConfigError(f"bad setting: {str(exc).splitlines()[0]}") from None
