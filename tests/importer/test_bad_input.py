"""Bad input: one clear line per file, the rest goes on, exit 1 at the end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kcs.importers.pipeline import run_import
from kcs.knowledge import load

GOOD = "---\ntitle: {t}\n---\n\n## Symptoms\n\n{t} fails.\n\n## Resolution\n\nFix it.\n"


def make(src: Path, name: str, data: bytes | str) -> None:
    path = src / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    src = tmp_path / "messy"
    make(src, "bom.md", b"\xef\xbb\xbf" + GOOD.format(t="Bom").encode())
    make(src, "latin1.md", GOOD.format(t="Åtgärda skrivaren på våning två").encode("latin-1"))
    make(src, "crlf.md", GOOD.format(t="Crlf").replace("\n", "\r\n"))
    make(src, "nofront.md", "# Printer jams\n\n## Symptoms\n\nJams.\n\n## Resolution\n\nOpen.\n")
    make(src, "broken.md", "---\ntitle: [unclosed\n---\n\nText.\n")
    make(src, "unclosed.md", "---\ntitle: Never closed\n\nText.\n")
    make(src, "empty.md", "")
    make(src, "blank.md", "\n\n  \n")
    make(src, "huge.md", GOOD.format(t="Huge") + "x" * 3000)
    make(src, "binary.md", b"---\ntitle: bin\n---\n\x00\x01\x02")
    return src


def test_each_bad_file_gets_one_message_and_the_rest_imports(
    kb: Path, messy: Path, tmp_path: Path
) -> None:
    mapping = tmp_path / "map.yml"
    mapping.write_text("max_bytes: 2000\n")
    result = run_import(kb, messy, mapping_file=mapping, into="articles/t")
    assert sorted((f.origin, f.message) for f in result.failures) == [
        ("binary.md", "file holds NUL bytes: it is binary, not text"),
        ("blank.md", "the file is empty"),
        (
            "broken.md:3",
            "broken front matter: invalid YAML: did not find expected ',' or "
            "']'; fix the YAML between the '---' lines",
        ),
        ("empty.md", "the file is empty"),
        (
            "huge.md",
            "3,070 bytes is over the limit of 2,000 bytes; split the file or raise "
            "max_bytes in the mapping file",
        ),
        ("unclosed.md", "front matter is not closed with a '---' line"),
    ]
    kb_loaded = load(kb)
    titles = {a.id: a.title for a in kb_loaded.articles}
    assert titles == {
        "bom": "Bom",
        "crlf": "Crlf",
        "latin1": "Åtgärda skrivaren på våning två",
        "nofront": "Printer jams",
    }
    assert not kb_loaded.findings
    for file in (kb / "articles" / "t").iterdir():
        assert b"\r" not in file.read_bytes() and not file.name.startswith(".")
    notes = {(w.origin, w.message) for w in result.warnings if w.code == "read"}
    assert (
        "nofront.md",
        "no front matter; title taken from the first heading or the file name",
    ) in notes
    assert any(
        origin == "latin1.md" and "not UTF-8; read as" in message for origin, message in notes
    )


def test_cli_exits_1_after_importing_the_rest(kb: Path, messy: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kcs.cli import main; main()",
            "import",
            str(messy),
            "--into",
            "articles/t",
            "--no-duplicates",
        ],
        cwd=kb,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    errors = proc.stderr.strip().splitlines()
    assert errors[0] == "binary.md: error: file holds NUL bytes: it is binary, not text"
    assert len([e for e in errors if ": error: " in e]) == 5  # huge.md is fine at 5 MB
    assert proc.stdout.startswith("5 articles from messy (md, generic style)")
    assert len(list((kb / "articles" / "t").glob("*.md"))) == 5


def test_hostile_html_is_cleaned(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "export"
    make(
        src,
        "evil.html",
        """<!doctype html><html lang="fi"><head><title>Tulostin jumissa</title>
<style>body{display:none}</style><script>steal(document.cookie)</script></head>
<body onload="steal()"><h1>Tulostin jumissa</h1>
<p onclick="steal()">Paperi jumittuu. <a href="javascript:steal()">klikkaa</a>
<a href="https://example.org/ohje" onmouseover="x()">ohje</a></p>
<img src="x.png" onerror="steal()" alt="kuva"><iframe src="https://evil.example"></iframe>
<h2>Ratkaisu</h2><ol><li>Avaa kansi</li><li>Poista paperi</li></ol>
<table><tr><th>Malli</th><th>Kerros</th></tr><tr><td>HP 400</td><td>2</td></tr></table>
<pre><code>lpstat -p</code></pre></body></html>""",
    )
    result = run_import(kb, src, into="articles/printing")
    assert not result.failures
    text = (kb / "articles" / "printing" / "evil.md").read_text()
    for bad in (
        "script",
        "steal",
        "onload",
        "onclick",
        "onerror",
        "javascript",
        "iframe",
        "display:none",
        "evil.example",
    ):
        assert bad not in text, bad
    body = text.split("---\n", 2)[2]
    assert "title: Tulostin jumissa\n" in text and "lang: fi\n" in text
    assert "Paperi jumittuu. klikkaa\n[ohje](https://example.org/ohje)" in body
    assert "## Ratkaisu\n\n1. Avaa kansi\n2. Poista paperi" in body
    assert "| Malli | Kerros |\n| --- | --- |\n| HP 400 | 2 |" in body
    assert "```\nlpstat -p\n```" in body
    assert "*kuva*" in body  # the image file is not in the export


def test_csv_embedded_newlines_and_wrong_column_counts(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "kb.csv"
    src.write_text(
        "id,title,body,category,created\n"
        'KB1,VPN drops,"<h2>Symptoms</h2><p>Drops\nafter 5 minutes.</p>'
        '<h2>Resolution</h2><p>Update the client.</p>",Network,2021-03-04\n'
        "KB2,Too,many,columns,here,extra\n"
        'KB3,"Printer ""jams""","<p>Line one</p>\n\n<p>Line two</p>",Printing,04.03.2021\n'
        "KB4,Short row\n",
        encoding="utf-8",
    )
    result = run_import(kb, src)
    assert [(f.origin, f.message) for f in result.failures] == [
        ("kb.csv:4", "row has 6 columns, the header has 5; skipped"),
        ("kb.csv:8", "row has 2 columns, the header has 5; skipped"),
    ]
    by_id = load(kb).by_id()
    assert sorted(by_id) == ["kb1", "kb3"]
    vpn = by_id["kb1"]
    assert (vpn.domain, vpn.title, vpn.type) == ("network", "VPN drops", "howto")
    assert vpn.source == {
        "system": "kb",
        "id": "KB1",
        "created": "2021-03-04",
        "checksum": vpn.source["checksum"],
    }
    assert vpn.section("resolution").text == "Update the client."
    assert by_id["kb3"].title == 'Printer "jams"'
    assert by_id["kb3"].source["created"] == "2021-03-04"


def test_latin1_csv_is_detected(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "export.csv"
    src.write_bytes(
        "id;title;body\n1;Lösenord för skrivaren;Återställ på sidan två\n".encode("latin-1")
    )
    mapping = tmp_path / "map.yml"
    mapping.write_text("csv: {delimiter: ';', body_format: text}\n")
    result = run_import(kb, src, mapping_file=mapping, into="articles/t")
    assert not result.failures
    assert load(kb).by_id()["1"].title == "Lösenord för skrivaren"


def test_csv_without_title_column_fails_clearly(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "x.csv"
    src.write_text("number,text\n1,hello\n")
    result = run_import(kb, src)
    assert [(f.origin, f.message) for f in result.failures] == [
        (
            "x.csv:1",
            "no title column among number, text; map one with fields: "
            "{title: COLUMN} in the mapping file",
        )
    ]
