"""`newsmon` command line: parses arguments, sets quiet defaults, calls the flows."""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
from datetime import date, timedelta
from pathlib import Path

# Prefect reads these at import time: no telemetry (no network here), no chatter.
_QUIET_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_EXTRA_LOGGERS": "newsmon",
    "GX_ANALYTICS_ENABLED": "false",
    "TQDM_DISABLE": "1",
}


def _quiet() -> None:
    for key, value in _QUIET_ENV.items():
        os.environ.setdefault(key, value)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s newsmon %(message)s", "%H:%M:%S"))
    log = logging.getLogger("newsmon")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsmon", description="Periodic news monitoring into a DuckDB warehouse.")
    sub = p.add_subparsers(dest="command", required=True)

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

    serve = sub.add_parser("serve", help="serve the daily flow as a Prefect deployment on a cron schedule")
    serve.add_argument("--cron", help="cron expression (default: settings.schedule_cron)")
    serve.add_argument("--inbox", type=Path)
    serve.add_argument("--sources", type=Path, help="web sources TOML (default: settings.sources_file)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `newsmon` console script."""
    args = _parser().parse_args(argv)
    _quiet()
    try:
        return _COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("newsmon: interrupted; the warehouse is unchanged by the unfinished run", file=sys.stderr)
        return 130


def _cmd_run(args: argparse.Namespace) -> int:
    from flows.daily import daily, summary_json
    from newsmon.sources import SourcesFileError
    from transforms.summary import summary_markdown
    from warehouse.db import WarehouseBusyError

    first = args.day or date.today()
    last = args.to or first
    if last < first:
        print(f"newsmon: --to {last} is before --day {first}", file=sys.stderr)
        return 2
    if problem := _sources_problem(args.sources):
        print(f"newsmon: {problem}", file=sys.stderr)
        return 1
    day = first
    try:
        while day <= last:
            summary = daily(
                day=day,
                inbox=str(args.inbox) if args.inbox else None,
                sources=str(args.sources) if args.sources else None,
            )
            day += timedelta(days=1)
    except (WarehouseBusyError, FileNotFoundError, SourcesFileError) as exc:
        print(f"newsmon: {exc}", file=sys.stderr)
        return 1
    print(summary_json(summary) if args.json else summary_markdown(summary))
    return 0


def _sources_problem(path: Path | None) -> str | None:
    """Why the sources file (given, or from settings) cannot be used; checked before a run starts."""
    from newsmon.settings import Settings
    from newsmon.sources import SourcesFileError, load_sources

    path = path or Settings().sources_file
    if path is None:
        return None
    try:
        load_sources(path)
    except FileNotFoundError:
        return f"sources file {path} does not exist"
    except SourcesFileError as exc:
        return str(exc)
    return None


def _cmd_fetch(args: argparse.Namespace) -> int:
    from flows.daily import daily, summary_json
    from newsmon.settings import Settings
    from newsmon.sources import SourcesFileError
    from transforms.summary import summary_markdown
    from warehouse.db import WarehouseBusyError

    if args.sources is None and Settings().sources_file is None:
        print("newsmon fetch: no sources file; pass --sources PATH or set NEWSMON_SOURCES_FILE", file=sys.stderr)
        return 2
    if problem := _sources_problem(args.sources):
        print(f"newsmon: {problem}", file=sys.stderr)
        return 1
    try:
        summary = daily(
            day=args.day or date.today(), sources=str(args.sources) if args.sources else None, web_only=True
        )
    except (WarehouseBusyError, FileNotFoundError, SourcesFileError) as exc:
        print(f"newsmon: {exc}", file=sys.stderr)
        return 1
    print(summary_json(summary) if args.json else summary_markdown(summary))
    return 0


def _cmd_backfill(args: argparse.Namespace) -> int:
    from flows.daily import backfill
    from transforms.summary import summary_markdown
    from warehouse.db import WarehouseBusyError

    if args.end < args.start:
        print(f"newsmon: backfill range is empty: --from {args.start} is after --to {args.end}", file=sys.stderr)
        return 1
    try:
        summaries = backfill(start=args.start, end=args.end)
    except (WarehouseBusyError, ValueError) as exc:
        print(f"newsmon: {exc}", file=sys.stderr)
        return 1
    for summary in summaries:
        print(summary_markdown(summary))
    return 0


def _cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    from newsmon.settings import Settings
    from warehouse.db import WarehouseMissingError, reader

    query = sys.stdin.read() if args.query == "-" else args.query
    try:
        conn = reader(Settings().database_path)
    except WarehouseMissingError as exc:
        print(f"newsmon: {exc}", file=sys.stderr)
        return 1
    try:
        cur = conn.execute(query)
        if cur.description is None:
            return 0
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        if "read-only" in message or "read only" in message:
            message = "the warehouse is read-only from `newsmon sql`; writes happen only through runs"
        print(f"newsmon sql: {message}", file=sys.stderr)
        return 2
    finally:
        conn.close()
    _print_rows(cols, rows, "csv" if args.csv else "json" if args.json else "table")
    return 0


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
    from newsmon.settings import Settings

    path = Settings().reports_dir / f"{args.day.isoformat()}.{'json' if args.json else 'md'}"
    if not path.exists():
        print(
            f"newsmon: no summary for {args.day} ({path} is missing); run `newsmon run --day {args.day}`",
            file=sys.stderr,
        )
        return 1
    print(path.read_text(encoding="utf-8"))
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from prefect import serve

    from flows.daily import daily_deployment
    from newsmon.settings import Settings

    settings = Settings()
    cron = args.cron or settings.schedule_cron
    if problem := _sources_problem(args.sources):
        print(f"newsmon: {problem}", file=sys.stderr)
        return 1
    deployment = daily_deployment(
        cron,
        inbox=str(args.inbox.resolve()) if args.inbox else None,
        sources=str(args.sources.resolve()) if args.sources else None,
    )
    print(f"newsmon: serving deployment newsmon-daily/newsmon-daily on '{cron}'; Ctrl-C stops", file=sys.stderr)
    serve(deployment)
    return 0


_COMMANDS = {
    "run": _cmd_run,
    "fetch": _cmd_fetch,
    "backfill": _cmd_backfill,
    "sql": _cmd_sql,
    "summary": _cmd_summary,
    "serve": _cmd_serve,
}

if __name__ == "__main__":
    raise SystemExit(main())
