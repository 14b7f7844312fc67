"""Great Expectations' data docs made to work from a folder, with no network.

GE's pages load Bootstrap, jQuery, bootstrap-table, Font Awesome, a datepicker and Vega from
CDNs, and the index page is empty without them: its two tables are built by bootstrap-table
from data in an inline script. `make_offline` rewrites the pages after each docs build:

- Bootstrap 4 (CSS and the JS bundle, Popper included), jQuery 3.7 and Font Awesome 6 are
  copied from the XStatic-* packages into `static/vendor/` and linked by relative paths, so
  the folder can be moved or zipped; nothing is downloaded, ever.
- The index tables are written out as HTML rows, so bootstrap-table and its filter and
  datepicker plugins are not needed (none of them is packaged on PyPI at a usable version).
  Validation pages already hold their tables as HTML. Vega goes where no page draws a chart.
- Expectation suite pages are rendered again (with GE's own renderer) from the suite JSON,
  with the parameter values of the newest validation in place of GE's `$PARAMETER`, and a
  note saying which validation they come from. A suite whose page GE deleted (its index
  builder drops the pages of suites the current process did not validate, while the index
  rows and older validation pages still link to them) gets its page back the same way.
- GE's marketing footer, its remote logo and links to its website go; a link that still
  points nowhere is turned into plain text.

Pages already rewritten carry a marker and are skipped, so a call costs the pages GE just
wrote (the index, one validation page and one suite page), not the folder's history.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import html
import importlib
import json
import os
import re
import shutil
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from pydantic import BaseModel, Field

VENDOR = "static/vendor"
MARKER = '<meta name="generator" content="newsmon offline data docs">'
_HEAD_BYTES = 512  # the marker sits right after <head>, within GE's first few lines
_LIST_SHOWN = 20  # longest parameter list shown whole on a suite page

# Files copied from the XStatic packages: (module, file in its data folder, path under VENDOR).
_ASSETS = [
    ("xstatic.pkg.jquery", "jquery.min.js", "jquery/jquery.min.js"),
    ("xstatic.pkg.bootstrap", "css/bootstrap.min.css", "bootstrap/css/bootstrap.min.css"),
    ("xstatic.pkg.bootstrap", "js/bootstrap.bundle.min.js", "bootstrap/js/bootstrap.bundle.min.js"),
    ("xstatic.pkg.font_awesome", "css/all.min.css", "font-awesome/css/all.min.css"),
    ("xstatic.pkg.font_awesome", "webfonts", "font-awesome/webfonts"),
    ("xstatic.pkg.font_awesome", "LICENSE.txt", "font-awesome/LICENSE.txt"),
]

# What each CDN reference of GE's templates becomes: a local file, or None (not needed). A
# reference that matches none of these (a new GE version's) is dropped and reported.
_LOCAL = [
    (re.compile(r"code\.jquery\.com/jquery-3\.[\d.]+(\.min)?\.js$"), "jquery/jquery.min.js"),
    (re.compile(r"/bootstrap/4\.[\d.]+/css/bootstrap(\.min)?\.css$"), "bootstrap/css/bootstrap.min.css"),
    (re.compile(r"/bootstrap/4\.[\d.]+/js/bootstrap(\.bundle)?(\.min)?\.js$"), "bootstrap/js/bootstrap.bundle.min.js"),
    (re.compile(r"/font-awesome/[56]\.[\d.]+/css/all(\.min)?\.css$"), "font-awesome/css/all.min.css"),
    (re.compile(r"/popper\.js/1\.[\d.]+/"), None),  # inside bootstrap.bundle.min.js
    (re.compile(r"/bootstrap-table@"), None),  # the index tables are written as HTML instead
    (re.compile(r"/bootstrap-datepicker/"), None),  # only bootstrap-table's date filter used it
    (re.compile(r"/@forevolve/bootstrap-dark@"), None),  # dark theme; GE's dark rules go with it
    (re.compile(r"cdn\.jsdelivr\.net/npm/vega(-lite|-embed)?@"), None),  # charts; see make_offline
]
_GE_ASSETS = "great-expectations-web-assets.s3.us-east-2.amazonaws.com/"

_SCRIPT_SRC = re.compile(r'<script\b[^>]*\bsrc="(https?://[^"]+)"[^>]*>\s*</script>[ \t]*\n?', re.I)
_LINK_HREF = re.compile(r'<link\b[^>]*\bhref="(https?://[^"]+)"[^>]*>[ \t]*\n?', re.I)
_IMG_SRC = re.compile(r'(<img\b[^>]*\bsrc=")(https?://[^"]+)(")', re.I)
_CSS_URL = re.compile(r"url\((['\"]?)https?://[^)'\"]+\1\)")
_GE_LINK = re.compile(r'<a\b[^>]*\bhref="https?://(?:[\w-]+\.)?greatexpectations\.io[^"]*"[^>]*>(.*?)</a>', re.I | re.S)
_FOOTER = re.compile(r"<footer>.*?</footer>\s*", re.S)
_STATIC_REF = re.compile(r'((?:href|src)=")(?:\./|(?:\.\./)+)static/')
_DARK = "@media (prefers-color-scheme: dark)"
_LOCAL_REF = re.compile(r'<(a|link|script|img)\b[^>]*?\b(href|src)="([^"]*)"[^>]*>', re.I)
_TABLE_SCRIPT = re.compile(
    r"<script>\s*\$\('#(?P<id>[\w-]+)'\)\.bootstrapTable\((?P<body>.*?)\);\s*(?:\$\(document\).*?)?</script>",
    re.S,
)
_TABLE_HELPERS = re.compile(r"<script>\s*function rowStyleLinks.*?</script>\s*", re.S)


class OfflineReport(BaseModel):
    """What one `make_offline` call did to a data docs folder."""

    pages: list[str] = Field(default_factory=list)  # pages rewritten, relative to the folder
    suite_pages: list[str] = Field(default_factory=list)  # suites whose page was rendered again
    parameters: dict[str, dict[str, Any]] = Field(default_factory=dict)  # values shown, per suite
    assets: list[str] = Field(default_factory=list)  # files copied into static/vendor
    dropped: list[str] = Field(default_factory=list)  # CDN references removed as not needed
    unknown: list[str] = Field(default_factory=list)  # external references not recognised (removed)
    unlinked: list[str] = Field(default_factory=list)  # "page -> target" links to nowhere, made text
    charts: list[str] = Field(default_factory=list)  # pages with Vega charts (shown empty offline)


def make_offline(docs_dir: Path, params_by_suite: Mapping[str, Mapping[str, Any]] | None = None) -> OfflineReport:
    """Rewrite a data docs folder to open with no network, no dead links and no `$PARAMETER`.

    `params_by_suite` gives, per suite, parameter values to show on its page (those passed to
    the validation just run); the others come from the newest stored validation result, then
    from the suite's defaults.
    """
    docs_dir = Path(docs_dir)
    report = OfflineReport()
    if not (docs_dir / "index.html").exists():
        return report
    report.assets = _copied_assets(docs_dir)
    pages = _html_pages(docs_dir)
    for suite in sorted(_suites_to_render(docs_dir, pages)):
        shown = _render_suite_page(docs_dir, suite, (params_by_suite or {}).get(suite))
        if shown is not None:
            report.suite_pages.append(suite)
            report.parameters[suite] = shown
    pages = _html_pages(docs_dir)
    # The index last: its suite list is the suite pages that exist once the others are done.
    for page in sorted(pages, key=lambda p: (p.name == "index.html" and p.parent == docs_dir, str(p))):
        if _is_offline(page):
            continue
        text = page.read_text(encoding="utf-8")
        text = _offline_page(text, page, docs_dir, report)
        page.write_text(text, encoding="utf-8")
        report.pages.append(page.relative_to(docs_dir).as_posix())
    for field in ("dropped", "unknown", "unlinked", "charts"):
        setattr(report, field, sorted(set(getattr(report, field))))
    return report


def _copied_assets(docs_dir: Path) -> list[str]:
    """Copy the vendored CSS, JS and fonts that are missing or changed; their paths."""
    copied = []
    for module, source, target in _ASSETS:
        root = Path(importlib.import_module(module).BASE_DIR) / source
        for src in _files(root):
            dest = docs_dir / VENDOR / target
            if root.is_dir():
                dest = dest / src.relative_to(root)
            if dest.exists() and dest.stat().st_size == src.stat().st_size:
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            copied.append(dest.relative_to(docs_dir).as_posix())
    return copied


def _runner() -> ModuleType:
    """expectations.runner, imported on use: it imports this module, and may do so at its top."""
    from expectations import runner

    return runner


def _html_pages(docs_dir: Path) -> list[Path]:
    """The site's pages (the stored results beside them are JSON, but skip their folder anyway)."""
    return [p for p in docs_dir.rglob("*.html") if _runner().RESULTS_SUBDIR not in p.relative_to(docs_dir).parts]


def _files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]


def _is_offline(page: Path) -> bool:
    with page.open("rb") as f:
        return MARKER.encode() in f.read(_HEAD_BYTES)


# ---- suite pages -------------------------------------------------------------------------


def _suites_to_render(docs_dir: Path, pages: Iterable[Path]) -> set[str]:
    """Suites whose page is missing (but linked from a validation) or was just written by GE."""
    suites = set()
    for page in pages:
        parts = page.relative_to(docs_dir).parts
        if parts[0] == "validations" and len(parts) >= 5:  # validations/<suite...>/<run>/<time>/<batch>.html
            name = ".".join(parts[1:-3])
            if not _suite_page(docs_dir, name).exists():
                suites.add(name)
        elif parts[0] == "expectations" and not _is_offline(page):
            suites.add(".".join(parts[1:])[: -len(".html")])
    return suites


def _suite_page(docs_dir: Path, suite: str) -> Path:
    """Where GE puts a suite's page (a dotted name makes folders, as GE's store does)."""
    *folders, last = suite.split(".")
    return docs_dir.joinpath("expectations", *folders, f"{last}.html")


def _render_suite_page(docs_dir: Path, suite: str, explicit: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Write a suite's page with its parameters filled in; the values shown (None: no source)."""
    newest = _newest_result(docs_dir, suite)
    path = _runner().suite_path(suite)
    if path.exists():
        raw = json.loads(path.read_text(encoding="utf-8"))
    elif newest is not None:
        raw = _suite_of_result(suite, newest)
    else:
        return None
    defaults = {k: v for k, v in raw.get("meta", {}).get("newsmon", {}).get("parameters", {}).items() if v is not None}
    values = {**defaults, **(_result_parameters(raw, newest) if newest else {}), **(explicit or {})}
    shown = {name: _shown(value) for name, value in values.items()}
    used = _fill_parameters(raw, shown)
    if used:
        source = "the validation just run" if explicit else _source(newest)
        raw["notes"] = [*_as_list(raw.get("notes")), _parameters_note(used, values, source)]
    page = _suite_page(docs_dir, suite)
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(_suite_html(raw), encoding="utf-8")
    return {name: shown[name] for name in used if name in shown}


def _newest_result(docs_dir: Path, suite: str) -> dict[str, Any] | None:
    """The newest stored validation result of a suite (the runner keeps them under _results)."""
    folder = docs_dir.joinpath(_runner().RESULTS_SUBDIR, *suite.split("."))
    # _results/<suite>/<run name>/<run time>/<batch>.json; run times sort as text (20260304T...Z)
    files = sorted(folder.glob("*/*/*.json"), key=lambda p: (p.parent.name, str(p)))
    for path in reversed(files):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return None


def _result_parameters(raw: Mapping[str, Any], result: Mapping[str, Any]) -> dict[str, Any]:
    """Parameter values as evaluated in a result: each `$PARAMETER` kwarg of the suite is matched
    to the result's expectation of the same type and column, in order."""
    evaluated: dict[tuple[str, Any], list[dict[str, Any]]] = {}
    for item in result.get("results", []):
        config = item.get("expectation_config") or {}
        kwargs = config.get("kwargs") or {}
        evaluated.setdefault((config.get("type"), kwargs.get("column")), []).append(kwargs)
    seen: dict[tuple[str, Any], int] = {}
    values: dict[str, Any] = {}
    for expectation in raw.get("expectations", []):
        kwargs = expectation.get("kwargs", {})
        slot = (expectation.get("type"), kwargs.get("column"))
        n = seen[slot] = seen.get(slot, -1) + 1
        candidates = evaluated.get(slot, [])
        if n >= len(candidates):
            continue
        for key, value in kwargs.items():
            if _is_parameter(value) and key in candidates[n]:
                values[value["$PARAMETER"]] = candidates[n][key]
    return values


def _suite_of_result(suite: str, result: Mapping[str, Any]) -> dict[str, Any]:
    """A suite as it was validated, from a result's expectation configurations (no JSON file)."""
    expectations = []
    for item in result.get("results", []):
        config = item.get("expectation_config") or {}
        kwargs = {k: v for k, v in (config.get("kwargs") or {}).items() if k != "batch_id"}
        expectations.append({"type": config.get("type"), "kwargs": kwargs, "meta": config.get("meta") or {}})
    meta = {"great_expectations_version": (result.get("meta") or {}).get("great_expectations_version")}
    return {"name": suite, "meta": meta, "expectations": expectations}


def _is_parameter(value: Any) -> bool:
    return isinstance(value, dict) and "$PARAMETER" in value


def _fill_parameters(raw: dict[str, Any], shown: Mapping[str, Any]) -> list[str]:
    """Put the values in place of the suite's `$PARAMETER` kwargs; the names met, in order."""
    used: list[str] = []
    for expectation in raw.get("expectations", []):
        kwargs = expectation.get("kwargs", {})
        for key, value in kwargs.items():
            if _is_parameter(value):
                name = value["$PARAMETER"]
                used.append(name)
                unknown = f"({name}: set at validation time)"
                kwargs[key] = shown.get(name, [unknown] if key == "value_set" else unknown)
    return list(dict.fromkeys(used))


def _shown(value: Any) -> Any:
    """A parameter value as a suite page shows it: plain, dates as ISO text, long lists cut."""
    if hasattr(value, "isoformat"):  # date, datetime, pandas Timestamp
        return value.isoformat()
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()  # numpy scalars and arrays
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 40 as written, not the 40.0 GE turns it into
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_shown(v) for v in (sorted(value) if isinstance(value, (set, frozenset)) else value)]
        if len(items) > _LIST_SHOWN:
            return [*items[:_LIST_SHOWN], f"… and {len(items) - _LIST_SHOWN:,} more"]
        return items
    return value


def _source(result: Mapping[str, Any] | None) -> str:
    if result is None:
        return "the suite's defaults"
    run = (result.get("meta") or {}).get("run_id") or {}
    name, when = run.get("run_name"), run.get("run_time")
    with contextlib.suppress(TypeError, ValueError):
        when = dt.datetime.fromisoformat(when).strftime("%Y-%m-%d %H:%M UTC")
    label = ", ".join(str(part) for part in (f"run {name}" if name else None, when) if part)
    return f"the newest validation ({label})" if label else "the newest validation"


def _parameters_note(names: list[str], values: Mapping[str, Any], source: str) -> str:
    """A markdown note naming each parameter and the value shown for it."""
    lines = [f"**Parameters.** These values are set when the suite is run; shown here as used by {source}:", ""]
    for name in names:
        if name not in values:
            lines.append(f"- `{name}`: set at validation time")
            continue
        value = values[name]
        if isinstance(value, (list, tuple, set, frozenset)) and len(value) > _LIST_SHOWN:
            lines.append(f"- `{name}`: {len(value):,} values (the first {_LIST_SHOWN} shown)")
        else:
            text = json.dumps(_shown(value), ensure_ascii=False, default=str)
            lines.append(f"- `{name}` = `{text}`")
    return "\n".join(lines)


def _as_list(notes: Any) -> list[str]:
    if not notes:
        return []
    return [notes] if isinstance(notes, str) else list(notes)


_VIEW: dict[str, Any] = {}  # GE's page renderer and Jinja view, made once (templates compile once)


def _suite_html(raw: Mapping[str, Any]) -> str:
    """A suite page rendered by GE's own renderer and view, as its site builder renders it."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from great_expectations.core.expectation_suite import ExpectationSuite
        from great_expectations.render.renderer import ExpectationSuitePageRenderer
        from great_expectations.render.view import DefaultJinjaPageView

        if not _VIEW:
            _VIEW["renderer"] = ExpectationSuitePageRenderer()
            _VIEW["view"] = DefaultJinjaPageView()
        fields = {k: v for k, v in raw.items() if k in ("name", "expectations", "meta", "notes")}
        content = _VIEW["renderer"].render(ExpectationSuite(**fields))
        return _VIEW["view"].render(content, data_context_id=None, show_how_to_buttons=False)


# ---- page rewriting ----------------------------------------------------------------------


def _offline_page(text: str, page: Path, docs_dir: Path, report: OfflineReport) -> str:
    """One page with local assets, static tables, GE's web links gone and dead links unlinked."""
    root = Path(os.path.relpath(docs_dir, page.parent)).as_posix()
    prefix = "" if root == "." else f"{root}/"
    charts = "vegaEmbed(" in text
    if charts:
        report.charts.append(page.relative_to(docs_dir).as_posix())

    def local(match: re.Match[str], tag: str) -> str:
        url = match.group(1)
        for pattern, target in _LOCAL:
            if pattern.search(url.split("?")[0]):
                if target is None:
                    report.dropped.append(url)
                    return ""
                if tag == "script":
                    return f'<script src="{prefix}{VENDOR}/{target}"></script>\n'
                return f'<link rel="stylesheet" href="{prefix}{VENDOR}/{target}">\n'
        report.unknown.append(url)
        return ""

    text = _SCRIPT_SRC.sub(lambda m: local(m, "script"), text)
    text = _LINK_HREF.sub(lambda m: local(m, "link"), text)
    text = _IMG_SRC.sub(lambda m: _local_image(m, prefix, report), text)
    # GE's dark-mode rules were written for the bootstrap-dark theme (not bundled): without it they
    # half apply, so the pages stay light. Its dark logo is remote; the local one stands in.
    text = text.replace(_DARK, "@media not all")
    text = _CSS_URL.sub(f"url('{prefix}static/images/logo-long.png')", text)
    text = _FOOTER.sub("", text)  # GE's newsletter link
    text = _GE_LINK.sub(r"\1", text)
    # GE counts one folder too few for the favicon of validation pages: paths from the real depth.
    text = _STATIC_REF.sub(rf"\g<1>{prefix}static/", text)
    if page == docs_dir / "index.html":
        text = _static_index(text, docs_dir)
        if "bootstrapTable(" in text:  # a GE version whose index template this does not know
            report.unknown.append("index.html: a bootstrap-table script left as it was (its table stays empty)")
    text = _unlinked_dead_refs(text, page, docs_dir, report)
    return text.replace("<head>", f"<head>\n    {MARKER}", 1)


def _local_image(match: re.Match[str], prefix: str, report: OfflineReport) -> str:
    url = match.group(2)
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    if _GE_ASSETS in url and name:
        return f"{match.group(1)}{prefix}static/images/{name}{match.group(3)}"
    report.unknown.append(url)
    return f"{match.group(1)}{match.group(3)}"


def _static_index(text: str, docs_dir: Path) -> str:
    """The index's bootstrap-table tables written out as HTML rows (no script needed)."""
    text = _TABLE_HELPERS.sub("", text)
    for match in list(_TABLE_SCRIPT.finditer(text)):
        table_id = match.group("id")
        columns, rows = _table_options(match.group("body"))
        if [c.get("field") for c in columns] == ["expectation_suite_name"]:  # the suites tab
            rows = _suite_rows(docs_dir)
        text = text.replace(match.group(0), "")
        toolbar = re.compile(rf'<div id="{re.escape(table_id)}-toolbar"[^>]*>.*?</div>\s*', re.S)
        text = toolbar.sub("", text, count=1)
        empty = re.compile(rf'<table\s+id="{re.escape(table_id)}"(?P<attrs>[^>]*)>\s*</table>', re.S)
        found = empty.search(text)
        if found:
            table = _table_html(table_id, found.group("attrs"), columns, rows)
            text = text[: found.start()] + table + text[found.end() :]
    return text


def _table_options(body: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The `columns` and `data` literals of a bootstrapTable(...) call (Python reprs, as GE writes them)."""
    return _literal_after(body, "columns"), _literal_after(body, "data")


def _literal_after(body: str, key: str) -> Any:
    found = re.search(rf"\b{key}\s*:\s*\[", body)
    if found is None:
        raise ValueError(f"no {key!r} list in the table options")
    start = found.end() - 1
    depth, quote_char, i = 0, None, start
    while i < len(body):
        c = body[i]
        if quote_char:
            if c == "\\":
                i += 1
            elif c == quote_char:
                quote_char = None
        elif c in "'\"":
            quote_char = c
        elif c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                literal = body[start : i + 1]
                try:
                    return ast.literal_eval(literal)
                except (ValueError, SyntaxError):
                    return json.loads(literal)
        i += 1
    raise ValueError(f"no closing bracket after {key!r}")


def _suite_rows(docs_dir: Path) -> list[dict[str, Any]]:
    """One row per suite page on disk (GE lists only the suites its process validated)."""
    rows = []
    for page in sorted((docs_dir / "expectations").rglob("*.html")):
        rel = page.relative_to(docs_dir)
        name = ".".join(rel.parts[1:])[: -len(".html")]
        rows.append({"expectation_suite_name": html.escape(name), "_table_row_link_path": quote(rel.as_posix())})
    return rows


def _table_html(table_id: str, attrs: str, columns: list[dict[str, Any]], rows: list[dict[str, Any]]) -> str:
    """A bootstrap table; plain-text cells link to the row's page, as a click on the row did."""
    attrs = re.sub(r'\s*data-toggle="table"', "", attrs)
    attrs = re.sub(r'class="', 'class="table table-hover ', attrs, count=1)
    head = "".join(f"<th>{html.escape(str(c.get('title', '')))}</th>" for c in columns)
    body = []
    for row in rows:
        link = row.get("_table_row_link_path")
        cells = []
        for column in columns:
            value = str(row.get(column.get("field"), "") or "").strip()
            if link and value and "<" not in value:
                value = f'<a href="{html.escape(link)}">{value}</a>'
            cells.append(f"<td>{value}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table id="{table_id}"{attrs}>\n<thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{chr(10).join(body)}\n</tbody>\n</table>"
    )


def _unlinked_dead_refs(text: str, page: Path, docs_dir: Path, report: OfflineReport) -> str:
    """Links to local files that do not exist become their text; such assets are removed."""

    def check(match: re.Match[str]) -> str:
        tag, url = match.group(1).lower(), match.group(3)
        parts = urlsplit(url)
        if not url or url.startswith("#") or parts.scheme or url.startswith("//"):
            return match.group(0)
        if (page.parent / unquote(parts.path)).exists():
            return match.group(0)
        report.unlinked.append(f"{page.relative_to(docs_dir).as_posix()} -> {url}")
        return "<a>" if tag == "a" else ""

    return _LOCAL_REF.sub(check, text)
