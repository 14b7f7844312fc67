"""Web sources config (TOML): feeds, sitemaps and URL lists, each with tags and limits."""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


def _web_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return url


class SourceLimits(BaseModel):
    """Per-source limits; unset values fall back to `[defaults]`, then to the fetcher's."""

    model_config = ConfigDict(extra="forbid")
    max_items: int | None = Field(default=None, ge=1)
    min_interval_seconds: float | None = Field(default=None, ge=0)
    max_bytes: int | None = Field(default=None, ge=1)


class _Source(SourceLimits):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    tags: list[str] = Field(default_factory=list)
    enabled: bool = True


class FeedSource(_Source):
    """An RSS, Atom or JSON feed whose entries point at articles."""

    kind: Literal["feed"] = "feed"
    url: str

    _check_url = field_validator("url")(_web_url)


class SitemapSource(_Source):
    """A sitemap, sitemap index or Google News sitemap."""

    kind: Literal["sitemap"] = "sitemap"
    url: str

    _check_url = field_validator("url")(_web_url)


class UrlListSource(_Source):
    """Article URLs fetched as they are."""

    kind: Literal["urls"] = "urls"
    urls: list[str] = Field(min_length=1)

    @field_validator("urls")
    @classmethod
    def _check_urls(cls, urls: list[str]) -> list[str]:
        return [_web_url(u) for u in urls]


Source = FeedSource | SitemapSource | UrlListSource

_HOST_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$")


class FetchPolicy(BaseModel):
    """Fetcher settings for every source: which non-public addresses may be contacted."""

    model_config = ConfigDict(extra="forbid")
    # Hosts or networks exempt from the rule that refuses loopback, private, link-local and
    # cloud-metadata addresses: for tests and intranets only. Empty (the default) refuses all.
    allow: list[str] = Field(default_factory=list)

    @field_validator("allow")
    @classmethod
    def _check_allow(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                if not _HOST_NAME.match(value):
                    raise ValueError(f"not a host name, address or network: {value!r}") from None
        return values


class SourcesConfig(BaseModel):
    """Everything in a sources TOML file."""

    model_config = ConfigDict(extra="forbid")
    defaults: SourceLimits = Field(default_factory=SourceLimits)
    fetch: FetchPolicy = Field(default_factory=FetchPolicy)
    feeds: list[FeedSource] = Field(default_factory=list)
    sitemaps: list[SitemapSource] = Field(default_factory=list)
    url_lists: list[UrlListSource] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> SourcesConfig:
        seen: set[str] = set()
        for source in self.sources(include_disabled=True):
            if source.name in seen:
                raise ValueError(f"duplicate source name {source.name!r}")
            seen.add(source.name)
        return self

    def sources(self, *, include_disabled: bool = False) -> Iterator[Source]:
        """Every source, feeds first, then sitemaps, then URL lists."""
        for source in (*self.feeds, *self.sitemaps, *self.url_lists):
            if source.enabled or include_disabled:
                yield source

    def limits(self, source: Source) -> SourceLimits:
        """The source's limits with `[defaults]` filling the gaps."""
        own = {k: getattr(source, k) for k in SourceLimits.model_fields}
        base = self.defaults.model_dump()
        return SourceLimits(**{k: v if v is not None else base[k] for k, v in own.items()})


class SourcesFileError(ValueError):
    """A sources file that is not valid TOML or not a valid sources config."""


def load_sources(path: Path | str) -> SourcesConfig:
    """Read and validate a sources TOML file (FileNotFoundError when it is missing)."""
    raw = Path(path).read_bytes()
    try:
        # Editors that save "UTF-8 with BOM" (Notepad) put U+FEFF first; TOML has no place for it.
        return SourcesConfig.model_validate(tomllib.loads(raw.decode("utf-8-sig")))
    except ValueError as exc:  # UnicodeDecodeError, tomllib.TOMLDecodeError and pydantic's ValidationError
        raise SourcesFileError(f"sources file {path}: {exc}") from exc
