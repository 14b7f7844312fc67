"""canonical_url: table of inputs and their canonical spelling."""

from __future__ import annotations

import pytest

from transforms.urls import canonical_url, url_host


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM/a", "http://example.com/a"),
        ("https://example.com", "https://example.com/"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com/a#section-2", "http://example.com/a"),
        ("http://example.com/a?utm_source=x&utm_medium=y&id=3", "http://example.com/a?id=3"),
        ("http://example.com/a?fbclid=abc", "http://example.com/a"),
        ("http://example.com/a?gclid=1&b=2&a=1", "http://example.com/a?a=1&b=2"),
        ("http://example.com/a?UTM_Campaign=z&q=news", "http://example.com/a?q=news"),
        ("http://example.com/a?", "http://example.com/a"),
        ("http://example.com/a/./b/../c", "http://example.com/a/c"),
        ("http://example.com/../a", "http://example.com/a"),
        ("http://example.com/a/b/..", "http://example.com/a/"),
        ("http://example.com/%7euser/%e2%82%ac", "http://example.com/~user/%E2%82%AC"),
        ("http://example.com/caf\u00e9 menu", "http://example.com/caf%C3%A9%20menu"),
        ("http://example.com/a?q=a+b&q=%2f", "http://example.com/a?q=%2F&q=a+b"),
        ("http://example.com./a", "http://example.com/a"),
        ("http://b\u00fccher.example/", "http://xn--bcher-kva.example/"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("http://example.com/a?x=1&mc_cid=9&_ga=2.1", "http://example.com/a?x=1"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
        ("http://[::1", "http://[::1"),  # urlsplit raises on it: kept as written, not a crash
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    url = "HTTP://Example.com:80/%7ea/./b?utm_source=x&z=1&a=%2f#frag"
    once = canonical_url(url)
    assert canonical_url(once) == once


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.Example.com:8080/a", "www.example.com"),
        ("mailto:someone@example.com", None),
        (None, None),
        ("http://[::1/story", None),  # urlsplit raises on it: no host, not a crash
    ],
)
def test_url_host(url: str | None, host: str | None) -> None:
    assert url_host(url) == host


def test_a_page_whose_url_cannot_be_parsed_is_still_extracted() -> None:
    """html_article read the host with urlsplit, which raises on "http://[::1/story": the file failed."""
    from datetime import date

    from transforms.html_extract import html_article

    text = "The ferry company will add two crossings a day from next month. " * 5
    html = f"<html><body><article><h1>Ferries</h1><p>{text}</p></article></body></html>"
    result = html_article(html, url="http://[::1/story", reference_day=date(2026, 3, 2))
    assert "two crossings a day" in result.text
