"""What becomes of each inbox entry (transforms/inbox_entries.py): table-driven."""

from __future__ import annotations

import pytest

from transforms.inbox_entries import InboxEntry, name_bytes_hex, root_folder_verdict, stored_name, verdicts


def _file(rel: str) -> InboxEntry:
    return InboxEntry(rel=rel, kind="file", size=10)


def _link(rel: str, target: str, inside: bool, says: str = "x") -> InboxEntry:
    return InboxEntry(rel=rel, kind="link", link_text=says, target=target, target_inside=inside)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("entry", "action", "check", "in_reason"),
    [
        (_file("d/a.txt"), "load", "", ""),
        (_file("d/.hidden.txt"), "skip", "skipped_hidden", "starts with '.'"),
        (_file("d/.git/config"), "skip", "skipped_hidden", "rename it"),
        (InboxEntry(rel="d/p", kind="fifo"), "refuse", "regular_file", "FIFO"),
        (InboxEntry(rel="d/s", kind="socket"), "refuse", "regular_file", "socket"),
        (InboxEntry(rel="d/z", kind="device"), "refuse", "regular_file", "device"),
        (
            _link("d/l.txt", "file", inside=False, says="/etc/passwd"),
            "refuse",
            "link_inside_inbox",
            "outside the inbox",
        ),
        (_link("d/l.txt", "file", inside=True), "load", "", ""),
        (_link("d/l.txt", "dangling", inside=False), "refuse", "link_target", "broken"),
        (_link("d/l.txt", "loop", inside=False), "refuse", "link_target", "loop"),
        (_link("d/l.txt", "dir", inside=True), "skip", "folder_not_read", "folder"),
        (_link("d/l.txt", "special", inside=True), "refuse", "regular_file", "never opened"),
        (_link("d/l.txt", "dir", inside=False), "refuse", "link_inside_inbox", "NEWSMON_INBOX_FOLLOW_LINKS"),
    ],
)
def test_one_entry(entry: InboxEntry, action: str, check: str, in_reason: str) -> None:
    (v,) = verdicts([entry])
    assert (v.action, v.check) == (action, check)
    assert in_reason in v.reason


def test_links_out_are_followed_only_when_allowed() -> None:
    link = _link("d/l.txt", "file", inside=False, says="/srv/shared/a.txt")
    assert verdicts([link], follow_links=True)[0].action == "load"
    assert verdicts([link])[0].action == "refuse"


@pytest.mark.parametrize(
    ("names", "sidecar_of"),
    [
        (["a.txt", "a.txt.meta.json"], {"a.txt": "a.txt.meta.json"}),
        (["a.txt", "a.meta.json"], {"a.txt": "a.meta.json"}),
        (["a.txt", "a.html", "a.meta.json"], {}),  # two candidates: ambiguous, the sidecar is an input itself
        (["orphan.meta.json"], {}),
        ([".meta.json", "x.txt"], {}),
    ],
)
def test_sidecars_pair_with_their_files(names: list[str], sidecar_of: dict[str, str]) -> None:
    out = {v.entry.rel: v for v in verdicts([_file(f"d/{n}") for n in names])}
    for owner, side in sidecar_of.items():
        assert out[f"d/{owner}"].sidecar == f"d/{side}"
        assert out[f"d/{side}"].action == "sidecar"
    unpaired = [n for n in names if n not in sidecar_of.values() and not n.startswith(".")]
    assert all(out[f"d/{n}"].action == "load" for n in unpaired)


def test_a_sidecar_is_never_paired_across_folders() -> None:
    out = {v.entry.rel: v for v in verdicts([_file("d/a.txt"), _file("d/sub/a.txt.meta.json")])}
    assert out["d/sub/a.txt.meta.json"].action == "load" and out["d/a.txt"].sidecar is None


def test_names_are_stored_losslessly() -> None:
    raw = b"2026-03-02/caf\xe9 \xff.txt"
    name = raw.decode("utf-8", "surrogateescape")
    assert stored_name(name) == "2026-03-02/caf\\xe9 \\xff.txt"
    assert bytes.fromhex(name_bytes_hex(name) or "") == raw
    assert name_bytes_hex("plain é.txt") is None and stored_name("line\nbreak") == "line\nbreak"


def test_root_folders() -> None:
    assert root_folder_verdict(InboxEntry(rel="2026-03-01", kind="dir")).check == ""  # another day: not counted
    v = root_folder_verdict(InboxEntry(rel="tidewater", kind="dir"))
    assert v.check == "folder_not_read" and "YYYY-MM-DD" in v.reason
