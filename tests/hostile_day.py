"""A generated day of hostile inbox input: what an attacker or a careless upstream drops in.

`write_hostile_day(inbox, day, outside)` fills `inbox/<day>/` (and the inbox root) with
well over 200 entries across every category below and returns the manifest: one `Entry`
per inbox entry, with the category and what must become of it. `outside` is a folder
beyond the inbox holding the files symlinks point at (they must never be read).

All text is generated here; nothing is copied from anywhere.
"""

# ruff: noqa: E501, PTH118, PTH211, S311, SIM108, RUF005
# (a table of generated inputs reads best one per line; random here makes test data, not secrets)
from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import random
import socket
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# What must become of an entry: an article, a quarantine row, either of the two (the
# pipeline may rescue some text or refuse it, as long as it says why), or a counted skip.
ARTICLE, QUARANTINE, EITHER, SKIPPED = "article", "quarantine", "either", "skipped"

_WORDS = [
    "harbour",
    "council",
    "ferry",
    "timetable",
    "vote",
    "budget",
    "school",
    "river",
    "bridge",
    "market",
    "farmers",
    "storm",
    "weather",
    "committee",
    "mayor",
    "report",
    "schools",
    "library",
    "museum",
    "festival",
    "workers",
    "union",
    "wage",
    "hospital",
    "clinic",
    "nurses",
    "transport",
    "rail",
    "line",
    "station",
    "plan",
    "residents",
    "meeting",
    "evening",
    "morning",
    "spokesperson",
    "statement",
    "review",
    "funding",
    "grant",
    "project",
    "housing",
    "development",
]
_TOWNS = ["Quillbury", "Marrowfield", "Oakhollow", "Saltmere", "Brindleport", "Fenwick Cross"]
_PEOPLE = ["Ada Penhallow", "Tomas Ferreira", "Ines Okafor", "Rowan Pike", "Mirela Stan"]


@dataclass(frozen=True)
class Entry:
    """One generated inbox entry and what must become of it."""

    name: str  # relative path inside the inbox, as str (surrogate-escaped where not UTF-8)
    category: str
    expect: str  # ARTICLE | QUARANTINE | EITHER | SKIPPED


def prose(rng: random.Random, paragraphs: int = 4) -> str:
    """A plausible local-news article body (invented)."""
    town, person = rng.choice(_TOWNS), rng.choice(_PEOPLE)
    out = [f"{town} council met on Tuesday evening to discuss the {rng.choice(_WORDS)} plan."]
    for _ in range(paragraphs):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(40, 70))]
        out.append(
            f"{person} said the {words[0]} and the {words[1]} would be reviewed. " + " ".join(words).capitalize() + "."
        )
    return "\n\n".join(out)


def _html(title: str, body: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paras}</article></body></html>"


def _record(rng: random.Random, i: int) -> dict:
    return {"title": f"Record {i}: {rng.choice(_TOWNS)} {rng.choice(_WORDS)} news", "text": prose(rng, 3)}


def write_hostile_day(inbox: Path, day: date, outside: Path, seed: int = 11) -> list[Entry]:
    """Write the hostile day; return its manifest."""
    rng = random.Random(seed)
    d = inbox / day.isoformat()
    d.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    entries: list[Entry] = []

    def put(name: str | bytes, data: bytes | str, category: str, expect: str, root: Path = d) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if isinstance(name, bytes):
            path = Path(os.fsdecode(os.path.join(os.fsencode(root), name)))
        else:
            path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        entries.append(Entry(str(path.relative_to(inbox)), category, expect))

    # ---- good articles the hostile ones must not take down with them
    for i in range(20):
        put(f"good_{i:02d}.txt", f"Good article {i} about {rng.choice(_TOWNS)}\n\n{prose(rng)}", "good", ARTICLE)
    for i in range(10):
        put(f"good_page_{i:02d}.html", _html(f"Good page {i}", prose(rng)), "good", ARTICLE)

    # ---- file names
    put("a" * 240 + ".txt", prose(rng), "name_long", ARTICLE)  # 244 bytes: its sidecar name would be too long
    put("é" * 125 + ".txt", prose(rng), "name_long", ARTICLE)  # 254 bytes of UTF-8
    put(b"caf\xe9.txt", prose(rng), "name_not_utf8", ARTICLE)
    put(b"r\xe9sum\xe9 \xff\xfe.html", _html("Latin-1 name", prose(rng)), "name_not_utf8", ARTICLE)
    put("-rf.txt", prose(rng), "name_dash", ARTICLE)
    put("--help.txt", prose(rng), "name_dash", ARTICLE)
    put("line\nbreak.txt", prose(rng), "name_newline", ARTICLE)
    put("tab\there.txt", prose(rng), "name_control", ARTICLE)
    put("esc\x1b[2Jname.txt", prose(rng), "name_control", ARTICLE)
    put("rtl\u202etxt.exe.txt", prose(rng), "name_bidi", ARTICLE)
    put("spaces   in name .txt", prose(rng), "name_spaces", ARTICLE)
    put("cafe\u0301.txt", prose(rng), "name_nfd", ARTICLE)
    put("emoji_\U0001f4f0.txt", prose(rng), "name_emoji", ARTICLE)
    put("no_extension", prose(rng), "name_noext", ARTICLE)
    put("UPPER.TXT", prose(rng), "name_case", ARTICLE)

    # ---- dotfiles and sidecar look-alikes: counted, never vanish
    put(".hidden_article.txt", prose(rng), "dotfile", SKIPPED)
    put("..dots.txt", prose(rng), "dotfile", SKIPPED)
    put(".DS_Store", b"\x00\x00\x00\x01Bud1" + bytes(200), "dotfile", SKIPPED)
    put("orphan.meta.json", json.dumps({"title": "Orphan", "text": prose(rng)}), "meta_orphan", EITHER)
    put("notes.meta.json", "this is not json at all " * 20, "meta_orphan", EITHER)

    # ---- sidecars
    for i, side in enumerate(
        [
            {"published_at": "10000-01-01"},
            {"published_at": "not a date"},
            {"url": 12345, "source": ["a", "list"]},
            {"source": "Evil\x1b[2J\x1b[31mSource"},
            {"source": "Gazette\u202eetteza"},
            {"title": "T" * 100_000},
            {"language": "xx-notreal"},
        ]
    ):
        put(f"sidecar_{i}.txt", prose(rng), "sidecar_bad", ARTICLE)
        put(f"sidecar_{i}.txt.meta.json", json.dumps(side), "sidecar_file", SKIPPED)
    put("sidecar_junk.txt", prose(rng), "sidecar_bad", ARTICLE)
    put("sidecar_junk.txt.meta.json", b"\xff\xfe{not json", "sidecar_file", SKIPPED)
    put("sidecar_list.txt", prose(rng), "sidecar_bad", ARTICLE)
    put("sidecar_list.txt.meta.json", "[1, 2, 3]", "sidecar_file", SKIPPED)
    put("sidecar_deep.txt", prose(rng), "sidecar_bad", ARTICLE)
    put("sidecar_deep.txt.meta.json", "[" * 5000 + "]" * 5000, "sidecar_file", SKIPPED)

    # ---- sizes and complexity
    put("huge_prose.txt", ("Headline of a very long file\n\n" + prose(rng, 8) + "\n\n") * 160, "text_huge", EITHER)
    put("amp_storm.html", _html("Ampersands", prose(rng) + "<p>" + "&amp;" * 200_000 + "</p>"), "text_punct", EITHER)
    put("amp_plain.txt", "Plain ampersands\n\n" + prose(rng) + "\n" + "&" * 20_000, "text_punct", EITHER)
    put("dots.txt", "Dots\n\n" + prose(rng) + "\n" + ".-" * 30_000, "text_punct", EITHER)
    put("one_line.txt", ("word " * 40 + "&&&& ") * 18_000, "text_oneline", EITHER)  # ~4.0 MB, one line
    put("long_token.txt", "Long token\n\n" + prose(rng) + "\n" + "x" * 400_000, "text_token", EITHER)
    big = d / "oversized.txt"
    with big.open("wb") as fh:  # 2 GB, sparse: costs no disk, and must never be read whole
        fh.truncate(2 * 1024**3)
    entries.append(Entry(str(big.relative_to(inbox)), "size_over_cap", QUARANTINE))
    put("just_over.txt", prose(rng) + "\n" + ("filler words here " * 300_000), "size_over_cap", QUARANTINE)

    # ---- markup
    put(
        "nested_divs.html",
        "<html><body>" + "<div>" * 50_000 + "deep" + "</div>" * 50_000 + "</body></html>",
        "html_deep",
        EITHER,
    )
    put("nested_b.html", "<html><body><p>" + "<b>" * 100_000 + prose(rng) + "</p></body></html>", "html_deep", EITHER)
    put("nested_unclosed.html", "<html><body>" + "<span><i>" * 30_000 + prose(rng), "html_deep", EITHER)
    laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    for k in range(1, 10):
        laughs += f'<!ENTITY lol{k} "{("&lol" + (str(k - 1) if k > 1 else "") + ";") * 10}">'
    laughs += "]><html><body><p>&lol9;</p></body></html>"
    put("billion_laughs.html", laughs, "html_entity_bomb", EITHER)
    put("billion_laughs.xml", laughs, "html_entity_bomb", EITHER)
    put(
        "ext_entity.html",
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><html><body><p>&e;</p><p>'
        + prose(rng)
        + "</p></body></html>",
        "html_entity_bomb",
        EITHER,
    )
    put(
        "script_only.html",
        "<html><head><script>" + "var a=1;" * 5000 + "</script></head><body><script>alert(1)</script></body></html>",
        "html_script",
        QUARANTINE,
    )
    put(
        "svg_only.html",
        '<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/><text>hi</text></svg>',
        "html_svg",
        QUARANTINE,
    )
    put(
        "svg_page.html",
        '<html><body><svg xmlns="http://www.w3.org/2000/svg">' + "<g>" * 2000 + "</g>" * 2000 + "</svg></body></html>",
        "html_svg",
        QUARANTINE,
    )
    put(
        "style_only.html",
        "<html><head><style>" + "p{color:red}" * 2000 + "</style></head><body></body></html>",
        "html_script",
        QUARANTINE,
    )
    put("comment_bomb.html", "<html><body>" + "<!--" * 10_000 + prose(rng) + "</body></html>", "html_broken", EITHER)
    put(
        "attr_bomb.html",
        "<html><body><p " + " ".join(f"a{i}='x'" for i in range(50_000)) + ">" + prose(rng) + "</p></body></html>",
        "html_broken",
        EITHER,
    )
    put("cdata.html", "<html><body><![CDATA[" + prose(rng) + "]]></body></html>", "html_broken", EITHER)
    put(
        "frameset.html",
        "<html><frameset><frame src='http://127.0.0.1:1/'></frameset></html>",
        "html_broken",
        QUARANTINE,
    )
    put(
        "meta_refresh.html",
        "<html><head><meta http-equiv='refresh' content='0;url=file:///etc/passwd'></head><body></body></html>",
        "html_broken",
        QUARANTINE,
    )
    put(
        "base64_img.html",
        _html("Inline image", prose(rng)).replace(
            "</article>", "<img src='data:image/png;base64," + "A" * 2_000_000 + "'></article>"
        ),
        "html_big_attr",
        EITHER,
    )
    put(
        "bad_charset.html",
        "<html><head><meta charset='x-no-such-charset'></head><body>"
        + _html("Bad charset", prose(rng))
        + "</body></html>",
        "html_charset",
        ARTICLE,
    )
    put(
        "utf7_charset.html",
        "<html><head><meta charset='utf-7'></head><body><p>+ADw-script+AD4-alert(1)+ADw-/script+AD4-</p>"
        + prose(rng)
        + "</body></html>",
        "html_charset",
        EITHER,
    )

    # ---- compressed bombs and binaries under text names
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb") as fh:
        fh.write(b"\x00" * 50_000_000)
    put("gzip_bomb.html", gz.getvalue(), "bomb", QUARANTINE)
    zb = io.BytesIO()
    with zipfile.ZipFile(zb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.html", b"<p>" * 10_000_000)
    put("zip_bomb.html", zb.getvalue(), "bomb", QUARANTINE)
    put("zip_bomb.txt", zb.getvalue(), "bomb", QUARANTINE)
    put("png_named.txt", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(3000)), "binary", QUARANTINE)
    put("random.html", bytes(rng.randrange(256) for _ in range(20_000)), "binary", QUARANTINE)
    put("elf.json", b"\x7fELF" + bytes(500), "binary", QUARANTINE)

    # ---- encodings
    body = "Encodings matter\n\n" + prose(rng)
    for codec, bom in (("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)):
        put(f"{codec}_bom.txt", bom + body.encode(codec), "encoding", ARTICLE)
        put(f"{codec}_nobom.txt", body.encode(codec), "encoding", EITHER)
    for codec, bom in (("utf-32-le", codecs.BOM_UTF32_LE), ("utf-32-be", codecs.BOM_UTF32_BE)):
        put(f"{codec}_bom.txt", bom + body.encode(codec), "encoding", ARTICLE)
        put(f"{codec}_nobom.txt", body.encode(codec), "encoding", EITHER)
    put("utf8_bom.txt", codecs.BOM_UTF8 + body.encode(), "encoding", ARTICLE)
    put("latin1.txt", ("Caf\u00e9 society in Saltmere\n\n" + prose(rng)).encode("latin-1"), "encoding", ARTICLE)
    put(
        "mixed.txt",
        body.encode() + "\n\nCaf\u00e9 r\u00e9sum\u00e9 na\u00efve".encode("latin-1") + ("\n\nCaf\u00e9").encode(),
        "encoding",
        ARTICLE,
    )
    put("nul_bytes.txt", body.replace(" ", "\x00", 50), "encoding", EITHER)
    put("nul_inside.txt", body[: len(body) // 2] + "\x00" + body[len(body) // 2 :], "encoding", EITHER)
    put("bom_then_garbage.txt", codecs.BOM_UTF8 + b"\xff\xfe\xfd" * 1000, "encoding", QUARANTINE)
    put("ctrl_heavy.txt", "".join(rng.choice("\x01\x02\x03abc ") for _ in range(5000)), "encoding", QUARANTINE)
    put(
        "terminal_escapes.txt", "Alert\x1b[2J\x1b[1;31m title\n\n" + prose(rng) + "\x1b]0;pwned\x07", "encoding", EITHER
    )
    put("bidi_text.txt", "Bidi \u202eevil\u202c title\n\n" + prose(rng), "encoding", ARTICLE)
    put("empty.txt", b"", "empty", QUARANTINE)
    put("whitespace.html", b"   \n\t\n  ", "empty", QUARANTINE)
    put("short.txt", "Too short.", "short", QUARANTINE)

    # ---- JSON
    good_records = [_record(rng, i) for i in range(50)]
    put("records_ok.json", json.dumps(good_records[:5]), "json_good", ARTICLE)
    put("one_bad_record.json", json.dumps(good_records[:25] + [7] + good_records[25:]), "json_mixed", ARTICLE)
    put(
        "bad_records_5000.json",
        json.dumps([{"title": f"x{i}", "text": "too short"} for i in range(5000)]),
        "json_many_bad",
        QUARANTINE,
    )
    put("empty_list.json", "[]", "json_empty", QUARANTINE)
    put("empty_articles.json", '{"articles": []}', "json_empty", QUARANTINE)
    put("empty_object.json", "{}", "json_empty", QUARANTINE)
    put("deep.json", "[" * 5000 + "]" * 5000, "json_deep", QUARANTINE)
    put("deep_obj.json", '{"a":' * 3000 + "1" + "}" * 3000, "json_deep", QUARANTINE)
    put(
        "huge_number.json",
        '{"title": "Numbers", "text": "' + prose(rng) + '", "n": ' + "9" * 100_000 + "}",
        "json_numbers",
        EITHER,
    )
    put("huge_float.json", '{"title": "Floats", "text": "' + prose(rng) + '", "n": 1e999999}', "json_numbers", EITHER)
    put(
        "nan.json",
        '{"title": "NaN", "text": "' + prose(rng) + '", "score": NaN, "x": Infinity}',
        "json_numbers",
        EITHER,
    )
    put("dup_keys.json", '{"title": "First", "title": "Second", "text": "' + prose(rng) + '"}', "json_dupkeys", EITHER)
    put("json_scalar.json", "42", "json_scalar", QUARANTINE)
    put("json_string.json", '"just a string"', "json_scalar", QUARANTINE)
    put("json_null.json", "null", "json_scalar", QUARANTINE)
    put("json_trailing.json", json.dumps(good_records[30]) + " trailing garbage", "json_broken", QUARANTINE)
    put("json_truncated.json", json.dumps(good_records[31])[:-20], "json_broken", QUARANTINE)
    put(
        "json_bad_types.json",
        json.dumps([{"title": 5, "text": ["a"]}, {"title": None, "text": {"x": 1}}]),
        "json_types",
        QUARANTINE,
    )
    put(
        "json_bad_date.json",
        json.dumps(
            [{**good_records[32], "published_at": "10000-01-01"}, {**good_records[33], "published_at": "2026-13-45"}]
        ),
        "json_dates",
        EITHER,
    )
    put("json_long_title.json", json.dumps({**good_records[34], "title": "T" * 200_000}), "json_long", EITHER)
    put("json_lines.json", "\n".join(json.dumps(r) for r in good_records[35:40]), "json_broken", EITHER)
    put(
        "json_utf16.json",
        codecs.BOM_UTF16_LE + json.dumps(good_records[40]).encode("utf-16-le"),
        "json_encoding",
        ARTICLE,
    )
    put("json_nul_key.json", json.dumps({**good_records[41], "\u0000": "nul"}), "json_types", EITHER)
    put("json_ctrl.json", json.dumps({**good_records[42], "title": "Evil\x1b[2J title"}), "json_types", ARTICLE)

    # ---- bulk variety so the day has many ordinary-but-odd files
    for i in range(40):
        kind = i % 4
        if kind == 0:
            put(f"bulk_{i:02d}.txt", f"Bulk {i}\n\n{prose(rng, 2)}", "bulk", ARTICLE)
        elif kind == 1:
            put(f"bulk_{i:02d}.html", _html(f"Bulk {i}", prose(rng, 2)), "bulk", ARTICLE)
        elif kind == 2:
            put(f"bulk_{i:02d}.json", json.dumps(_record(rng, 100 + i)), "bulk", ARTICLE)
        else:
            put(f"bulk_{i:02d}.md", f"# Bulk {i}\n\n{prose(rng, 2)}", "bulk", ARTICLE)
    for i in range(10):
        put(f"deep/a/b/c/d/e/f/g/nested_{i}.txt", f"Nested {i}\n\n{prose(rng, 2)}", "nested_dirs", ARTICLE)
    put(f"same_bytes_{0}.txt", "Same bytes twice\n\n" + "x y z " * 100, "duplicate_bytes", EITHER)
    put(f"same_bytes_{1}.txt", "Same bytes twice\n\n" + "x y z " * 100, "duplicate_bytes", QUARANTINE)

    # ---- links, special files, directories
    (outside / "passwd_copy").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (outside / "outside_prose.txt").write_text("Outside prose\n\n" + prose(rng))
    links = {
        "link_passwd.txt": "/etc/passwd",
        "link_hostname.txt": "/etc/hostname",
        "link_outside.txt": str(outside / "outside_prose.txt"),
        "link_outside_rel.txt": os.path.relpath(outside / "passwd_copy", d),
        "link_dangling.txt": str(outside / "no_such_file"),
        "link_dir.txt": str(outside),
        "link_proc.txt": "/proc/self/environ",
        "link_dev.txt": "/dev/zero",
    }
    for name, target in links.items():
        os.symlink(target, d / name)
        entries.append(Entry(f"{day.isoformat()}/{name}", "symlink_out", QUARANTINE))
    os.symlink("good_00.txt", d / "link_inside.txt")  # inside the inbox: fine, loaded (same bytes as its target)
    entries.append(Entry(f"{day.isoformat()}/link_inside.txt", "symlink_in", EITHER))
    os.symlink("loop_b.txt", d / "loop_a.txt")
    os.symlink("loop_a.txt", d / "loop_b.txt")
    entries += [Entry(f"{day.isoformat()}/loop_{x}.txt", "symlink_loop", QUARANTINE) for x in "ab"]
    os.mkfifo(d / "fifo.txt")
    entries.append(Entry(f"{day.isoformat()}/fifo.txt", "special", QUARANTINE))
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(d / "sock.txt"))
        entries.append(Entry(f"{day.isoformat()}/sock.txt", "special", QUARANTINE))
    except OSError:  # path too long for a socket on some systems
        pass
    finally:
        sock.close()
    (d / "folder.html").mkdir()
    (d / "folder.html" / "inner.txt").write_text(f"Inside a folder named like a file\n\n{prose(rng)}")
    entries.append(Entry(f"{day.isoformat()}/folder.html/inner.txt", "dir_named_file", ARTICLE))
    (d / "empty_dir.txt").mkdir()
    os.symlink(str(outside), d / "link_to_outside_dir")
    entries.append(Entry(f"{day.isoformat()}/link_to_outside_dir", "symlink_out", QUARANTINE))
    # The inbox root too (files there arrive every day).
    put("root_good.txt", f"Root article\n\n{prose(rng)}", "good", ARTICLE, root=inbox)
    # A url urlsplit cannot parse (an unclosed IPv6 bracket) quarantined the whole file as
    # "extraction failed: Invalid IPv6 URL": every record of a list, and an article with such a sidecar.
    odd_url = "http://[::1/story"
    put("json_odd_url.json", json.dumps([_record(rng, 50), {**_record(rng, 51), "url": odd_url}]), "json_url", ARTICLE)
    put("sidecar_odd_url.txt", prose(rng), "sidecar_bad", ARTICLE)
    put("sidecar_odd_url.txt.meta.json", json.dumps({"url": odd_url}), "sidecar_file", SKIPPED)
    put("sidecar_odd_url.html", _html("Odd url page", prose(rng)), "sidecar_bad", ARTICLE)
    put("sidecar_odd_url.html.meta.json", json.dumps({"url": odd_url}), "sidecar_file", SKIPPED)
    return entries
