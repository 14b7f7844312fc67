"""Records passed between pipeline stages (pydantic models)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MediaType = Literal["html", "text", "json", "empty", "binary", "unknown"]
DateProvenance = Literal["sidecar", "json", "html_metadata", "stated_line", "dateline", "arrival_day"]
TitleProvenance = Literal["sidecar", "json", "html_metadata", "headline_line", "derived"]
Stage = Literal["load", "documents", "extract", "articles", "entities", "stories", "events", "fetch"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class SidecarMeta(_Record):
    """Optional metadata next to an inbox file (`<name>.meta.json`) or from a feed entry."""

    model_config = ConfigDict(extra="ignore")
    url: str | None = None
    source: str | None = None
    published_at: datetime | date | None = None
    language: str | None = None
    title: str | None = None


class Document(_Record):
    """One raw input file or HTTP response, archived by content hash."""

    doc_id: str  # sha256 of the raw bytes
    file_name: str
    source_path: str  # path relative to the inbox, or the fetched URL
    origin: Literal["inbox", "web"] = "inbox"
    arrival_day: date
    size_bytes: int
    media_type: MediaType
    encoding: str | None = None
    encoding_note: str | None = None
    archive_path: str
    source_hint: str | None = None  # from the inbox layout (folder or file-name prefix) when nothing names the source
    meta: SidecarMeta = Field(default_factory=SidecarMeta)


class CleanedText(_Record):
    """What the plain-text cleaner finds in one document."""

    title: str | None = None
    title_provenance: TitleProvenance | None = None
    text: str
    author: str | None = None  # from a byline in the head
    stated_published: date | None = None
    dateline_place: str | None = None
    dateline_date: date | None = None
    removed: list[tuple[str, str]] = Field(default_factory=list)  # (line, reason)


class Article(_Record):
    """An extracted article, before and after validation."""

    article_id: str  # doc_id, or doc_id:N for the N-th record of a JSON list
    doc_id: str
    day: date  # arrival day of the document
    title: str | None = None
    title_provenance: TitleProvenance | None = None
    text: str
    author: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    source: str
    sitename: str | None = None
    description: str | None = None
    language: str | None = None
    published_at: datetime
    published_provenance: DateProvenance
    dateline_place: str | None = None
    dateline_date: date | None = None
    word_count: int
    content_hash: str  # sha256 of the normalised text


class QuarantineRecord(_Record):
    """Something that failed a stage, with a reason a person can read."""

    day: date
    stage: Stage
    item_id: str  # doc_id, article_id, url ... whatever the stage works on
    doc_id: str | None = None
    expectation: str  # GE expectation type, or a named check such as "decodable_text"
    reason: str
    details: dict[str, Any] = Field(default_factory=dict)
