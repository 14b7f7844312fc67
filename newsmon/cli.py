"""`newsmon` command line: parses arguments, checks what a user can get wrong before Prefect
starts, calls the flows, and turns every failure into one line and an exit code.

Exit codes (also in the README):
  0 the run completed              1 the run failed (the warehouse is unchanged)
  2 a usage or configuration mistake (nothing ran)
  3 the run completed degraded: every web source failed
  75 refused: another run holds the warehouse (try again later)
  130 / 143 interrupted by SIGINT (Ctrl-C) / SIGTERM (the warehouse is unchanged)
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import re
import signal
import sys
import traceback
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from newsmon.prefect_api import prefect_api
from transforms.display import ShownStream, shown

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_DEGRADED, EXIT_BUSY = 0, 1, 2, 3, 75

# Prefect reads these at import time: no telemetry (no network here), no chatter.
_QUIET_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_EXTRA_LOGGERS": "newsmon",
    "GX_ANALYTICS_ENABLED": "false",
    "TQDM_DISABLE": "1",
}
# One-off runs in a terminal: Prefect's own lines and tracebacks stay off the terminal (newsmon
# prints its stage lines and one line per failure); --debug shows them.
_TERMINAL_ENV = {
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
}


class UsageError(Exception):
    """A mistake in arguments, configuration or input paths: one line, exit 2, nothing ran."""


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is now, so a progress bar that redirects it keeps log lines above it."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def _quiet(command: str, debug: bool) -> None:
    env = dict(_QUIET_ENV)
    if command == "serve":
        env["PREFECT_LOGGING_LEVEL"] = "INFO"  # served runs: Prefect's lines and newsmon's go to the UI
    elif not debug:
        env |= _TERMINAL_ENV
    for key, value in env.items():
        os.environ.setdefault(key, value)
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s newsmon %(message)s", "%H:%M:%S"))
    log = logging.getLogger("newsmon")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if debug else logging.INFO)
    log.propagate = False


# Days a run can be asked for: a typo such as 0226 or 9026 is refused here, not by an overflow deep in a
# run (a day's windows reach back and forward from it), and a --to range is at most a year of runs.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
MAX_RUN_DAYS = 366


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(f"{text!r} is not between {FIRST_DAY} and {LAST_DAY}")
    return day


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not the whole usage block
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="newsmon", description="Periodic news monitoring into a DuckDB warehouse.")
    p.add_argument("--debug", action="store_true", help="show Prefect's logs and full tracebacks")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="run the daily job (load inbox, extract, validate, warehouse, summary)")
    run.add_argument("--day", type=_day, help="the run's day (default: today, UTC)")
    run.add_argument("--to", type=_day, help="with --day: run each day from --day to --to in turn")
    run.add_argument("--inbox", type=Path, help="inbox folder (default: settings / bundled sample)")
    run.add_argument("--sources", type=Path, help="web sources TOML to fetch too (default: settings.sources_file)")
    run.add_argument("--json", action="store_true", help="print the summary as JSON instead of Markdown")

    fetch = sub.add_parser("fetch", help="fetch the web sources' new items for a day, then process the day")
    fetch.add_argument("--day", type=_day, help="the run's day (default: today, UTC)")
    fetch.add_argument("--sources", type=Path, help="web sources TOML (default: settings.sources_file)")
    fetch.add_argument("--json", action="store_true", help="print the summary as JSON instead of Markdown")

    bf = sub.add_parser("backfill", help="re-process archived raw documents for a date range")
    bf.add_argument("--from", dest="start", type=_day, required=True)
    bf.add_argument("--to", dest="end", type=_day, required=True)

    sql = sub.add_parser("sql", help="run a read-only SQL query on the warehouse")
    sql.add_argument("query", help="SQL text, or - to read it from standard input")
    fmt = sql.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true", help="CSV output")
    fmt.add_argument("--json", action="store_true", help="JSON output (a list of objects)")

    sm = sub.add_parser("summary", help="print the stored summary of a day")
    sm.add_argument("--day", type=_day, required=True)
    sm.add_argument("--json", action="store_true")

    sub.add_parser("compact", help="give the warehouse's free space back: the file rewritten, or a lake's maintenance")

    cv = sub.add_parser("convert", help="copy the warehouse file into a new DuckLake folder (the file is kept)")
    cv.add_argument("--to", dest="target", type=Path, required=True, help="the new lake, a path ending in .lake")

    st = sub.add_parser("status", help="last runs, next scheduled run, sizes, quiet sources, quarantine")
    st.add_argument("--runs", type=int, default=10, help="how many recent runs to show (default 10)")
    st.add_argument("--json", action="store_true")

    se = sub.add_parser("search", help="full-text search of the articles (BM25), best match first")
    se.add_argument(
        "query", help='words (all must match, by stem), "a phrase", -word or -"a phrase" to exclude; - reads stdin'
    )
    se.add_argument("--from", dest="start", type=_day, help="only articles that arrived on or after this day")
    se.add_argument("--to", dest="end", type=_day, help="only articles that arrived on or before this day")
    se.add_argument("--source", help='only this source (any case), e.g. "Harbourton Courier"')
    se.add_argument("--limit", type=int, default=10, help="at most this many articles (default 10, at most 1000)")
    se.add_argument(
        "--json", action="store_true", help="JSON: hits with score, story, snippet and highlight offsets into the text"
    )

    ex = sub.add_parser("export", help="write one warehouse table to a Parquet, CSV or JSON-lines file")
    ex.add_argument("table", help="articles, documents, quarantine, stories, story_articles, events, entities, ...")
    ex.add_argument("-o", "--output", type=Path, required=True, help="the file to write (replaced if it exists)")
    ex.add_argument("--format", metavar="parquet|csv|json", help="default: from the suffix of -o")
    ex.add_argument("--from", dest="start", type=_day, help="rows of this day on (tables with a day column)")
    ex.add_argument("--to", dest="end", type=_day, help="rows up to this day (tables with a day column)")

    serve = sub.add_parser("serve", help="serve the daily flow as a Prefect deployment on a cron schedule")
    serve.add_argument("--cron", help="cron expression (default: settings.schedule_cron)")
    serve.add_argument("--inbox", type=Path)
    serve.add_argument("--sources", type=Path, help="web sources TOML (default: settings.sources_file)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `newsmon` console script."""
    args = _parser().parse_args(argv)
    _quiet(args.command, args.debug)
    if not isinstance(sys.stdout, ShownStream):
        # Query results, titles and names come from the input: no terminal escapes or bidi overrides get through.
        sys.stdout = ShownStream(sys.stdout)
    try:
        return _COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"newsmon {args.command}: {shown(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except FileNotFoundError as exc:
        from warehouse.db import WarehouseMissingError

        if not isinstance(exc, WarehouseMissingError):
            raise
        print(f"newsmon: {shown(str(exc))}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("newsmon: interrupted; the warehouse is unchanged by the unfinished run", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of the output went away (`newsmon sql ... | head`): not a failure
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
        return 141
    except Exception as exc:
        from warehouse.db import WarehouseBusyError
        from warehouse.journal import reason_of

        if args.debug:
            traceback.print_exc()
        if isinstance(exc, WarehouseBusyError):
            print(f"newsmon {args.command}: refused: {shown(str(exc))}", file=sys.stderr)
            return EXIT_BUSY
        hint = "" if args.debug else " (rerun with --debug for the traceback)"
        unchanged = ", the warehouse is unchanged" if args.command in _WRITERS else ""
        print(f"newsmon {args.command}: failed{unchanged}: {shown(reason_of(exc))}{hint}", file=sys.stderr)
        return EXIT_FAILED


# ---------------------------------------------------------------- checks before Prefect starts


def _settings():
    from newsmon.settings import ConfigError, load_settings

    try:
        return load_settings()
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def _checked_sources(path: Path | None, settings) -> Path | None:
    """The sources file to use (given, or from settings), checked; None when there is none."""
    from newsmon.sources import SourcesFileError, load_sources

    path = path or settings.sources_file
    if path is None:
        return None
    where = "--sources" if path != settings.sources_file else "NEWSMON_SOURCES_FILE / sources_file"
    if not path.exists():
        raise UsageError(f"sources file {path} does not exist (from {where}); copy sources.example.toml there")
    if path.is_dir():
        raise UsageError(f"sources file {path} is a folder (from {where}); give the path of a TOML file")
    try:
        load_sources(path)
    except OSError as exc:
        raise UsageError(f"cannot read sources file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"sources file {path} is not UTF-8 text") from None
    except SourcesFileError as exc:
        lines = [re.sub(r"\s*\[type=.*$", "", line.strip()) for line in str(exc).splitlines()]
        lines = [line for line in lines if line and "errors.pydantic" not in line]
        raise UsageError("; ".join(lines[:4])) from None
    return path.resolve()


def _checked_inbox(path: Path | None, settings) -> Path:
    inbox = path or settings.inbox
    where = "--inbox" if path else "NEWSMON_INBOX / inbox setting"
    if not inbox.exists():
        raise UsageError(f"inbox {inbox} does not exist (from {where}); create it or pass --inbox FOLDER")
    if not inbox.is_dir():
        raise UsageError(f"inbox {inbox} is not a folder (from {where}); pass --inbox FOLDER")
    if not os.access(inbox, os.R_OK | os.X_OK):
        raise UsageError(f"inbox {inbox} is not readable by this user")
    return inbox.resolve()


def _checked_warehouse(settings) -> None:
    from warehouse.db import writer_busy

    folder = settings.database_path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the warehouse folder {folder}: {exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK):
        raise UsageError(f"the warehouse folder {folder} is not writable by this user")
    if writer_busy(settings.database_path):
        from warehouse.db import WarehouseBusyError

        raise WarehouseBusyError(f"another newsmon run is writing {settings.database_path}; try again when it ends")


def _refused(settings, command: str, days: list[date], reason: str) -> None:
    """Journal a run that was refused before it started (a user looking at `status` sees it), and notify."""
    import contextlib

    from flows.notify import notify_run_problem
    from warehouse import journal

    path = journal.journal_path(settings.database_path)
    run_id = journal.new_run_id()
    with contextlib.suppress(OSError):  # an unwritable warehouse folder may be why the run was refused
        journal.record(path, run_id, "refused", command=command, days=[d.isoformat() for d in days], reason=reason)
    notify_run_problem(path, run_id, settings.notify, "refused", command, days, reason)


# ---------------------------------------------------------------- interrupts


def _on_signal(signum: int, _frame: Any) -> None:
    """Ctrl-C / SIGTERM during a run: record it, drop the unfinished copy, stop now.

    Waiting for Prefect to report the interruption to its API can take minutes when the
    signal also hit the temporary Prefect server (Ctrl-C reaches the whole process group),
    so the process ends at once; the run's private copy of the database is never swapped in.
    """
    import contextlib

    from warehouse import db, journal

    name = signal.Signals(signum).name
    with contextlib.suppress(Exception):
        journal.record_interrupted(f"{name} received")
    with contextlib.suppress(Exception):
        db.discard_unfinished()
    with contextlib.suppress(Exception):
        _stop_children()
    sys.stderr.write(f"newsmon: interrupted by {name}; the unfinished run was discarded, the warehouse is unchanged\n")
    sys.stderr.flush()
    os._exit(128 + signum)


def _stop_children() -> None:
    """End the temporary Prefect server and worker processes this run started."""
    import psutil

    children = psutil.Process().children(recursive=True)
    for child in children:
        child.terminate()
    _, alive = psutil.wait_procs(children, timeout=2)
    for child in alive:
        child.kill()


def _catch_signals() -> None:
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)


# ---------------------------------------------------------------- commands


def _run_outcome(settings, run_id: str) -> tuple[int, str | None]:
    """The exit code and reason of a finished run, from the journal."""
    from warehouse import journal

    events = journal.journal_events(journal.journal_path(settings.database_path))
    ends = [e for e in events if e["run_id"] == run_id and e.get("event") in journal.OUTCOMES]
    if ends and ends[-1]["event"] == "degraded":
        return EXIT_DEGRADED, ends[-1].get("reason")
    return EXIT_OK, None


def _cmd_run(args: argparse.Namespace) -> int:
    if args.to and not args.day:
        raise UsageError("--to needs --day (the first day of the range)")
    first = args.day or date.today()
    last = args.to or first
    if last < first:
        raise UsageError(f"--to {last} is before --day {first}")
    if (last - first).days >= MAX_RUN_DAYS:
        raise UsageError(
            f"--day {first} --to {last} is {(last - first).days + 1:,} daily runs; at most {MAX_RUN_DAYS} in one"
            " command (run the range in pieces, or `newsmon backfill` to re-process archived days)"
        )
    settings = _settings()
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    try:
        inbox = _checked_inbox(args.inbox, settings)
        sources = _checked_sources(args.sources, settings)
        _checked_warehouse(settings)
    except Exception as exc:
        _refused(settings, "daily", days, str(exc))
        raise
    return _run_days(settings, days, inbox=inbox, sources=sources, web_only=False, as_json=args.json)


def _run_days(settings, days: list[date], *, inbox, sources, web_only: bool, as_json: bool) -> int:
    from warehouse import journal
    from warehouse.db import writer_lock

    _catch_signals()
    code, summary = EXIT_OK, None
    # One lock for the whole range: no other run slips in between two days of this one.
    with prefect_api() as api, writer_lock(settings.database_path):
        from flows.daily import daily, summary_json  # imported while the temporary API boots
        from transforms.summary import summary_markdown

        if api is not None:
            api.wait_ready()
        for day in days:
            run_id = journal.new_run_id()
            summary = daily(
                day=day,
                inbox=str(inbox) if inbox else None,
                sources=str(sources) if sources else None,
                web_only=web_only,
                run_id=run_id,
            )
            day_code, reason = _run_outcome(settings, run_id)
            if day_code:
                print(f"newsmon: {day}: {reason}", file=sys.stderr)
                code = max(code, day_code)
    print(summary_json(summary) if as_json else summary_markdown(summary))
    return code


def _cmd_fetch(args: argparse.Namespace) -> int:
    settings = _settings()
    day = args.day or date.today()
    try:
        sources = _checked_sources(args.sources, settings)
        if sources is None:
            raise UsageError("no sources file; pass --sources PATH or set NEWSMON_SOURCES_FILE")
        _checked_warehouse(settings)
    except Exception as exc:
        _refused(settings, "fetch", [day], str(exc))
        raise
    return _run_days(settings, [day], inbox=None, sources=sources, web_only=True, as_json=args.json)


def _cmd_backfill(args: argparse.Namespace) -> int:
    if args.end < args.start:
        raise UsageError(f"backfill range is empty: --from {args.start} is after --to {args.end}")
    settings = _settings()
    days = [args.start + timedelta(days=i) for i in range((args.end - args.start).days + 1)]
    try:
        _checked_warehouse(settings)
    except Exception as exc:
        _refused(settings, "backfill", days, str(exc))
        raise
    _catch_signals()
    with prefect_api() as api:
        from flows.daily import backfill
        from transforms.summary import summary_markdown

        if api is not None:
            api.wait_ready()
        summaries = backfill(start=args.start, end=args.end)
    for summary in summaries:
        print(summary_markdown(summary))
    return EXIT_OK


def _cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    from warehouse.db import reader

    query = sys.stdin.read() if args.query == "-" else args.query
    if not query.strip():
        raise UsageError('empty query; e.g. newsmon sql "select count(*) from articles"')
    settings = _settings()
    conn = reader(settings.database_path)  # no warehouse yet: one line from main(), exit 1
    from warehouse.search import load_fts

    load_fts(conn)  # the fts extension's functions (stem, ...) work in `newsmon sql`, from the local binary
    try:
        cur = conn.execute(query)
        if cur.description is None:
            return EXIT_OK
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        if "read-only" in message or "read only" in message:
            message = "the warehouse is read-only from `newsmon sql`; writes happen only through runs"
        print(f"newsmon sql: {message}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        conn.close()
    _print_rows(cols, rows, "csv" if args.csv else "json" if args.json else "table")
    return EXIT_OK


def _cmd_search(args: argparse.Namespace) -> int:
    from transforms.search_text import SearchQueryError, parsed_query, search_results_markdown
    from warehouse.db import reader
    from warehouse.search import MAX_LIMIT, SearchIndexMissingError, search_articles

    query = sys.stdin.read().strip() if args.query == "-" else args.query
    try:
        parsed_query(query)  # a bad query is a usage mistake, whether or not there is a warehouse
    except SearchQueryError as exc:
        raise UsageError(str(exc)) from None
    if args.start and args.end and args.end < args.start:
        raise UsageError(f"the date range is empty: --from {args.start} is after --to {args.end}")
    if not 1 <= args.limit <= MAX_LIMIT:
        raise UsageError(f"--limit must be between 1 and {MAX_LIMIT}, not {args.limit}")
    settings = _settings()
    conn = reader(settings.database_path)  # no warehouse yet: one line from main(), exit 1
    try:
        hits = search_articles(conn, query, day_from=args.start, day_to=args.end, source=args.source, limit=args.limit)
    except SearchQueryError as exc:
        raise UsageError(str(exc)) from None
    except SearchIndexMissingError as exc:
        print(f"newsmon search: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        conn.close()
    if args.json:
        print(json.dumps([h.model_dump(mode="json") for h in hits], indent=2, ensure_ascii=False))
    else:
        print(search_results_markdown(query, hits))
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from warehouse.db import reader
    from warehouse.export import ExportError, export_request, export_table

    try:
        request = export_request(args.table, args.output, args.format, args.start, args.end)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    settings = _settings()
    conn = reader(settings.database_path)  # no warehouse yet: one line from main(), exit 1
    try:
        report = export_table(conn, request)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    finally:
        conn.close()
    print(
        f"newsmon export: {report.rows} rows of {report.table} -> {report.path} ({report.format}, {report.bytes} bytes)"
    )
    return EXIT_OK


def _print_rows(cols: list[str], rows: list[tuple], fmt: str) -> None:
    if fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(rows)
    elif fmt == "json":
        print(json.dumps([dict(zip(cols, r, strict=True)) for r in rows], indent=2, default=str, ensure_ascii=False))
    else:
        cells = [[_cell(v) for v in r] for r in rows]
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
        print("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
        print("  ".join("-" * w for w in widths))
        for r in cells:
            print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)))
        print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def _cell(value: object, limit: int = 80) -> str:
    text = "NULL" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cmd_summary(args: argparse.Namespace) -> int:
    path = _settings().reports_dir / f"{args.day.isoformat()}.{'json' if args.json else 'md'}"
    if not path.exists():
        print(
            f"newsmon: no summary for {args.day} ({path} is missing); run `newsmon run --day {args.day}`",
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(path.read_text(encoding="utf-8"))
    return EXIT_OK


def _cmd_status(args: argparse.Namespace) -> int:
    from newsmon.status import warehouse_status
    from transforms.status import status_markdown

    if args.runs < 1:
        raise UsageError(f"--runs must be at least 1, not {args.runs}")

    settings = _settings()
    status = warehouse_status(settings, runs=args.runs, api_url=os.environ.get("PREFECT_API_URL"))
    print(status.model_dump_json(indent=2) if args.json else status_markdown(status))
    last = status.runs[0].status if status.runs else None
    return EXIT_OK if last in (None, "completed", "running") else EXIT_FAILED


def _cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings()
    cron = args.cron or settings.schedule_cron
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron)
    except ValueError:
        raise UsageError(f'not a cron expression: {cron!r} (e.g. "0 6 * * *")') from None
    inbox = _checked_inbox(args.inbox, settings)
    sources = _checked_sources(args.sources, settings)
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        raise UsageError(
            "PREFECT_API_URL is not set: start `prefect server start` and export "
            "PREFECT_API_URL=http://127.0.0.1:4200/api (see README, Running on a server)"
        )
    import asyncio
    import contextlib

    from prefect.exceptions import TerminationSignal
    from prefect.runner import Runner

    from flows.daily import daily, served_options
    from newsmon.warm import serve_warm

    runner = Runner(pause_on_shutdown=True)
    runner.add_flow(
        daily,
        **served_options(
            cron,
            inbox=str(inbox) if args.inbox else None,
            sources=str(sources) if args.sources else None,
            timezone=settings.timezone,
        ),
    )
    # Runs are forks of a process that has imported the pipeline and loaded the models (newsmon/warm.py).
    warm = serve_warm()
    print(
        f"newsmon: serving deployment newsmon-daily/newsmon-daily on '{cron}'"
        f"{' (runs start warm)' if warm else ''}; Ctrl-C stops",
        file=sys.stderr,
    )
    with contextlib.suppress(KeyboardInterrupt, TerminationSignal):  # Ctrl-C or systemd's stop
        asyncio.run(runner.start())
    return EXIT_OK


_WRITERS = ("run", "fetch", "backfill", "compact", "convert")


def _cmd_convert(args: argparse.Namespace) -> int:
    from warehouse import lake

    settings = _settings()
    source, target = settings.database_path, args.target
    if lake.is_lake(source):
        raise UsageError(f"{source} is already a lake; convert copies a DuckDB-file warehouse into one")
    if target.suffix != lake.SUFFIX:
        raise UsageError(f"--to {target}: a lake is a folder whose name ends in .lake")
    copied = lake.convert_file(source, target, catalog=settings.lake_catalog)
    print(
        f"newsmon convert: {source} -> {target}: {len(copied)} tables, {sum(copied.values())} rows;"
        f" use it with NEWSMON_STORAGE=ducklake NEWSMON_DATABASE={target} (the file is kept)"
    )
    return EXIT_OK


def _cmd_compact(args: argparse.Namespace) -> int:
    from warehouse.db import compact

    settings = _settings()
    before, after = compact(settings.database_path)  # busy: WarehouseBusyError, one line, exit 75
    print(f"newsmon compact: {settings.database_path}: {before / 2**20:.1f} MB -> {after / 2**20:.1f} MB")
    return EXIT_OK


_COMMANDS = {
    "run": _cmd_run,
    "fetch": _cmd_fetch,
    "backfill": _cmd_backfill,
    "sql": _cmd_sql,
    "summary": _cmd_summary,
    "status": _cmd_status,
    "compact": _cmd_compact,
    "convert": _cmd_convert,
    "serve": _cmd_serve,
    "search": _cmd_search,
    "export": _cmd_export,
}

if __name__ == "__main__":
    raise SystemExit(main())
