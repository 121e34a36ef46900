"""Loading articles without a path object per file gives what pathlib would give."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath

import pytest
from gitrepo import write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcs.article import _stem, slugify
from kcs.errors import KcsError
from kcs.knowledge import _read_text, iter_article_files, load


@given(st.text("ab./ \\é\x00", max_size=12))
def test_the_stem_is_pathlibs(path: str) -> None:
    assert _stem(path) == PurePosixPath(path).stem


BOM = b"\xef\xbb\xbf"


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            [b"a", b"\xc3\xa9", b"\r", b"\n", b"\r\n", b"\xff", b"\xc3", b"\xef\xbb\xbf"]
        ),
        max_size=12,
    ).map(b"".join)
)
def test_a_file_reads_as_read_text_reads_it(tmp_path: Path, data: bytes) -> None:
    """Line ends made "\n" as universal newlines make them; bad UTF-8 fails at the same
    byte for the same reason."""
    file = tmp_path / "a.md"
    file.write_bytes(data)
    try:
        expected = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        with pytest.raises(UnicodeDecodeError) as caught:
            _read_text(str(file))
        assert (caught.value.reason, caught.value.start) == (exc.reason, exc.start)
    else:
        assert _read_text(str(file)) == expected


@given(st.text(max_size=30) | st.text("aZ09 -_.Åéß\u0301ﬁ", max_size=30))
def test_an_ascii_title_slugifies_as_any_other(text: str) -> None:
    """ASCII text skips the Unicode folding: the slug is the one folding would give."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:80].rstrip("-")
    assert slugify(text) == (slug or "article")


def test_articles_come_in_path_order_part_by_part(tmp_path: Path) -> None:
    """'a/b.md' before 'a-b/x.md' and 'a/b/c.md' before 'a/b.md' (part by part), though
    text sorts them the other way;
    hidden and underscore folders are skipped, other files ignored."""
    root = tmp_path / "kb"
    names = [
        "articles/a-b/x.md",
        "articles/a/b.md",
        "articles/a/a b.md",
        "articles/a.md",
        "articles/Z/z.md",
        "articles/a/b/c.md",
        "articles/.hidden/h.md",
        "articles/_drafts/d.md",
        "articles/a/notes.txt",
    ]
    for name in names:
        write(root / name, f"---\ntitle: {name}\nstate: wip\n---\n")
    found = list(iter_article_files(root))
    expected = sorted(
        (root / n for n in names if n.endswith(".md") and "/." not in n and "/_" not in n),
        key=lambda p: p.parts,
    )
    assert found == expected
    assert [p.relative_to(root).as_posix() for p in found][:4] == [
        "articles/Z/z.md",
        "articles/a/a b.md",
        "articles/a/b/c.md",
        "articles/a/b.md",
    ]
    kb = load(root)
    assert [a.path for a in kb.articles] == [p.relative_to(root).as_posix() for p in found]
    assert [a.path for a in load(root, [root / "articles"]).articles] == [
        a.path for a in kb.articles
    ]


def test_without_an_articles_folder_the_error_names_it(tmp_path: Path) -> None:
    write(tmp_path / "kb" / "kcs.yml", "languages: [en]\n")
    with pytest.raises(KcsError, match="articles: no such file or folder"):
        load(tmp_path / "kb")


def test_a_relative_root_gives_paths_from_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "kb/articles/vpn/a.md", "---\ntitle: A\nstate: wip\n---\n")
    monkeypatch.chdir(tmp_path)
    assert list(iter_article_files(Path("kb"))) == [tmp_path / "kb/articles/vpn/a.md"]
