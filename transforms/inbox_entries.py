"""What to do with each entry found in the inbox: load it, attach it as a sidecar, or
say why not. Pure: the flow scans the folder (flows/inbox.py) and passes plain records.

Rules (README "Inbox"):
- regular files are loaded; so are links to regular files inside the inbox;
- links that lead outside the inbox are refused unless following them is allowed
  (`NEWSMON_INBOX_FOLLOW_LINKS`); broken links and link loops are refused;
- FIFOs, sockets and devices are never opened;
- names starting with "." (in any folder of the path) are skipped, and counted;
- `X.meta.json` is the sidecar of `X` (or of `X.<ext>`) in the same folder; one with no
  such file is an ordinary (JSON) input;
- folders in the inbox root that are not day folders (YYYY-MM-DD) are not read, and counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from transforms.display import shown_name

EntryKind = Literal["file", "dir", "link", "fifo", "socket", "device", "other"]
LinkTarget = Literal["file", "dir", "special", "dangling", "loop", "unreadable"]
SIDECAR_SUFFIX = ".meta.json"
_DAY_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPECIAL = {
    "fifo": "a FIFO (named pipe)",
    "socket": "a socket",
    "device": "a device file",
    "other": "not a regular file",
}


@dataclass(frozen=True)
class InboxEntry:
    """One entry under the inbox, as scanned (paths relative to the inbox, "/"-separated)."""

    rel: str  # as the OS gave it (str with surrogate escapes where the bytes are not UTF-8)
    kind: EntryKind
    size: int = 0
    link_text: str | None = None  # what a symlink says
    target: LinkTarget | None = None  # what a symlink leads to
    target_inside: bool = False  # the resolved target is under the inbox
    target_rel: str | None = None  # the resolved target, relative to the inbox, when inside


@dataclass(frozen=True)
class Verdict:
    """What becomes of one entry: `load` (with its sidecar, if any), `sidecar`, or `skip`/`refuse` with a reason."""

    entry: InboxEntry
    action: Literal["load", "sidecar", "skip", "refuse"]
    check: str = ""
    reason: str = ""
    sidecar: str | None = None  # rel of this file's sidecar


def stored_name(name: str) -> str:
    """A file name as stored (valid UTF-8): bytes that are not UTF-8 become `\\xNN`; the rest is kept as is."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def name_bytes_hex(name: str) -> str | None:
    """The name's raw bytes in hex, when `stored_name` had to escape some (so nothing is lost)."""
    raw = name.encode("utf-8", "surrogateescape")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.hex()
    return None


def is_day_folder(name: str) -> bool:
    """Whether a folder name is a day (YYYY-MM-DD)."""
    return bool(_DAY_FOLDER.match(name))


def root_folder_verdict(entry: InboxEntry) -> Verdict:
    """A folder in the inbox root that is not today's day folder: day folders wait for their day, others are noted."""
    if is_day_folder(entry.rel):
        return Verdict(entry, "skip")  # another day's folder: not an input of this day, not counted
    return Verdict(
        entry,
        "skip",
        "folder_not_read",
        f"folder {shown_name(entry.rel)!r} in the inbox root is not a day folder (YYYY-MM-DD): its files are not read",
    )


def verdicts(entries: list[InboxEntry], *, follow_links: bool = False) -> list[Verdict]:
    """One verdict per entry, in path order."""
    files_by_dir: dict[str, set[str]] = {}
    for e in entries:
        if _loadable(e, follow_links):
            folder, _, name = e.rel.rpartition("/")
            files_by_dir.setdefault(folder, set()).add(name)
    owners = _sidecar_owners(files_by_dir)
    sidecar_of: dict[str, str] = {owner: side for side, owner in owners.items()}
    out = []
    for e in sorted(entries, key=lambda e: e.rel):
        if e.kind == "dir":
            continue
        if any(part.startswith(".") for part in e.rel.split("/")):
            out.append(
                Verdict(
                    e,
                    "skip",
                    "skipped_hidden",
                    "hidden file (a name in its path starts with '.'): skipped by rule; rename it to load it",
                )
            )
        elif e.kind in _SPECIAL:
            out.append(Verdict(e, "refuse", "regular_file", f"{_SPECIAL[e.kind]}, not a regular file: never opened"))
        elif e.kind == "link" and (refused := _link_refusal(e, follow_links)):
            out.append(refused)
        elif e.rel in owners:
            out.append(Verdict(e, "sidecar", reason=f"sidecar of {shown_name(owners[e.rel])}"))
        else:
            out.append(Verdict(e, "load", sidecar=sidecar_of.get(e.rel)))
    return out


def _loadable(e: InboxEntry, follow_links: bool) -> bool:
    hidden = any(part.startswith(".") for part in e.rel.split("/"))
    return not hidden and (e.kind == "file" or (e.kind == "link" and _link_refusal(e, follow_links) is None))


def _link_refusal(e: InboxEntry, follow_links: bool) -> Verdict | None:
    says = shown_name(e.link_text or "")
    if e.target == "dangling":
        return Verdict(e, "refuse", "link_target", f"broken symbolic link (to {says!r}: no such file)")
    if e.target == "loop":
        return Verdict(e, "refuse", "link_target", f"symbolic link loop (via {says!r})")
    if e.target == "unreadable":
        return Verdict(e, "refuse", "link_target", f"symbolic link to {says!r}, which cannot be examined")
    if not e.target_inside and not follow_links:
        return Verdict(
            e,
            "refuse",
            "link_inside_inbox",
            f"symbolic link to {says!r}, outside the inbox: not read "
            "(move the file into the inbox, or set NEWSMON_INBOX_FOLLOW_LINKS=true to follow links)",
        )
    if e.target == "dir":
        return Verdict(
            e, "skip", "folder_not_read", f"symbolic link to a folder ({says!r}): folders behind links are not read"
        )
    if e.target == "special":
        return Verdict(e, "refuse", "regular_file", f"symbolic link to {says!r}, not a regular file: never opened")
    return None


def _sidecar_owners(files_by_dir: dict[str, set[str]]) -> dict[str, str]:
    """rel of each sidecar -> rel of the file it describes (`X.meta.json` goes with `X`, else with the one `X.*`)."""
    owners = {}
    for folder, names in files_by_dir.items():
        prefix = f"{folder}/" if folder else ""
        for name in names:
            if not name.endswith(SIDECAR_SUFFIX) or name == SIDECAR_SUFFIX:
                continue
            base = name[: -len(SIDECAR_SUFFIX)]
            if base in names and not base.endswith(SIDECAR_SUFFIX):
                owners[prefix + name] = prefix + base
                continue
            stems = sorted(
                n for n in names if n != name and not n.endswith(SIDECAR_SUFFIX) and n.rpartition(".")[0] == base
            )
            if len(stems) == 1:
                owners[prefix + name] = prefix + stems[0]
    return owners
