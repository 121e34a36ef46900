"""Replay the real history of a public support knowledge base into a Git repository.

``../shared/corpus/officedocs-support-history.tsv.gz`` lists every Markdown change
of MicrosoftDocs/OfficeDocs-Support (8,848 commits, 2018–2024): sequence, date,
author, status (A/M/D/R), path, old path. :func:`replay` feeds it to
``git fast-import`` (thousands of commits in seconds, no working-tree churn) with
the real article text where the corpus has the file, a small generated text
elsewhere, and a revision marker per modification so every change is a real
content change and renames keep their similarity.

``layout="kcs"`` maps ``Exchange/x/y.md`` to ``articles/exchange/x/y.md`` and writes
a kcs.yml, so the result is a knowledge repository ``kcs`` can load.

Usable from tests (``from replay import replay``), benchmarks, and the shell:
``python tests/replay.py DEST [--limit N] [--layout kcs]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import os
import random
import re
import subprocess
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent
CORPUS = next(  # ../shared/corpus beside the checkout or beside the folder holding it
    (p / "shared" / "corpus" for p in _REPO.parents if (p / "shared" / "corpus").is_dir()),
    _REPO.parent / "shared" / "corpus",
)
HISTORY_TSV = CORPUS / "officedocs-support-history.tsv.gz"
ARTICLES = CORPUS / "officedocs-support"

GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Replay",
    "GIT_AUTHOR_EMAIL": "replay@example.org",
    "GIT_COMMITTER_NAME": "Replay",
    "GIT_COMMITTER_EMAIL": "replay@example.org",
}

KCS_YML = """\
site:
  name: Replayed support knowledge base
  url: https://help.example.org/
  length_guideline: 1500
languages: [en]
default_language: en
review:
  every: 12 months
  due_soon: 30 days
  wip_max: 30 days
"""

Op = tuple[str, ...] | tuple[str, str, bytes]


def _quote(path: str) -> str:
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _raw_date(when: dt.datetime) -> str:
    offset = when.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{int(when.timestamp())} {sign}{minutes // 60:02d}{minutes % 60:02d}"


class FastImport:
    """A thin writer for ``git fast-import``: one branch, commits in order.

    ``ops`` are ``("M", path, content)``, ``("D", path)`` or ``("R", old, new)``.
    """

    def __init__(self, repo: Path, branch: str = "main") -> None:
        self.repo = repo
        self.ref = f"refs/heads/{branch}"
        repo.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **GIT_ENV}
        subprocess.run(["git", "init", "-q", "-b", branch, str(repo)], check=True, env=env)
        self._proc = subprocess.Popen(
            ["git", "-C", str(repo), "fast-import", "--quiet", "--done"],
            stdin=subprocess.PIPE,
            env=env,
        )
        assert self._proc.stdin is not None
        self._out = io.BufferedWriter(self._proc.stdin, buffer_size=1 << 20)
        self.commits = 0

    def commit(
        self,
        *,
        name: str,
        email: str,
        date: dt.datetime,
        message: str,
        ops: Sequence[Op],
        committer_date: dt.datetime | None = None,
    ) -> None:
        w = self._out.write
        msg = message.encode()
        stamp = _raw_date(date)
        w(f"commit {self.ref}\n".encode())
        w(f"author {name} <{email}> {stamp}\n".encode())
        w(f"committer {name} <{email}> {_raw_date(committer_date or date)}\n".encode())
        w(b"data %d\n%s\n" % (len(msg), msg))
        for op in ops:
            if op[0] == "M":
                data = op[2]
                assert isinstance(data, bytes)
                w(f"M 100644 inline {_quote(op[1])}\n".encode())
                w(b"data %d\n%s\n" % (len(data), data))
            elif op[0] == "D":
                w(f"D {_quote(op[1])}\n".encode())
            else:
                w(f"R {_quote(op[1])} {_quote(str(op[2]))}\n".encode())
        w(b"\n")
        self.commits += 1

    def close(self, *, checkout: bool = True) -> Path:
        self._out.write(b"done\n")
        self._out.flush()
        self._out.close()
        if self._proc.wait() != 0:
            raise RuntimeError(f"git fast-import failed in {self.repo}")
        if checkout and self.commits:
            subprocess.run(
                ["git", "-C", str(self.repo), "checkout", "-q", "-f", "main"],
                check=True,
                env={**os.environ, **GIT_ENV},
            )
        return self.repo


Row = tuple[int, dt.datetime, str, str, str, str]


def read_rows(limit: int | None = None, tsv: Path = HISTORY_TSV) -> list[Row]:
    """The TSV rows of the first ``limit`` commits (all when None)."""
    rows: list[Row] = []
    with gzip.open(tsv, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        for record in reader:
            if not record or record[0].startswith("#"):
                continue
            seq = int(record[0])
            if limit is not None and seq > limit:
                break
            old = record[5] if len(record) > 5 else ""
            rows.append(
                (
                    seq,
                    dt.datetime.fromisoformat(record[1]),
                    record[2],
                    record[3],
                    _unquote(record[4]),
                    _unquote(old),
                )
            )
    return rows


def _unquote(path: str) -> str:
    """Undo Git's C-style quoting of non-ASCII paths (``"a\\342\\200\\231b.md"``)."""
    if len(path) < 2 or not (path.startswith('"') and path.endswith('"')):
        return path
    raw = path[1:-1].encode("ascii", "backslashreplace").decode("unicode_escape")
    return raw.encode("latin-1").decode("utf-8")


def kcs_path(path: str) -> str:
    """``Exchange/x.md`` → ``articles/exchange/x.md``; top-level files stay where they are."""
    top, sep, rest = path.partition("/")
    if not sep or top == "includes":
        return path
    return f"articles/{top.lower()}/{rest}"


def _final_paths(rows: list[Row]) -> list[str]:
    """For each row, the last path its file has (so a file gets its final text early)."""
    alive: dict[str, int] = {}
    last: list[str] = []
    row_ident: list[int] = []
    for _seq, _date, _author, status, path, old in rows:
        if status == "R":
            ident = alive.pop(old, -1)
        elif status == "D":
            ident = alive.pop(path, -1)
        else:
            ident = alive.get(path, -1)
        if ident < 0:
            ident = len(last)
            last.append(path)
        if status != "D":
            alive[path] = ident
        last[ident] = path
        row_ident.append(ident)
    return [last[i] for i in row_ident]


_DOCS_FRONT = re.compile(rb"\A---\r?\n(.*?)\r?\n---\r?\n", re.S)
_DOCS_FIELD = re.compile(rb"^(title|description):[ \t]*(.*?)[ \t]*\r?$", re.M)


def as_kcs_article(text: bytes) -> bytes:
    """Docs front matter → the kcs fields an import would keep (title, summary), as
    not-validated: "import it as Not Validated and let use decide"."""
    match = _DOCS_FRONT.match(text)
    if not match:
        return text
    fields = {
        k.decode(): v.decode("utf-8", "replace").strip("'\"")
        for k, v in _DOCS_FIELD.findall(match.group(1))
    }
    head = [
        "---",
        f"title: {json.dumps(fields.get('title') or 'Untitled')}",
        "state: not-validated",
    ]
    if fields.get("description"):
        head.insert(2, f"summary: {json.dumps(fields['description'], ensure_ascii=False)}")
    return ("\n".join(head) + "\n---\n").encode() + text[match.end() :]


def _base_text(path: str, kcs: bool = False) -> bytes:
    real = ARTICLES / path
    if path.endswith(".md") and real.is_file():
        return as_kcs_article(real.read_bytes()) if kcs else real.read_bytes()
    stem = Path(path).stem.replace("-", " ")
    # Words drawn per path: placeholders must not look alike, or Git's rename and copy
    # detection would pair unrelated files.
    pick = random.Random(zlib.crc32(path.encode()))
    words = " ".join(pick.choice(_WORDS) + str(pick.randrange(100)) for _ in range(60))
    return (
        f"---\ntitle: {stem}\n---\n\n# {stem}\n\n## Issue\n\n{words}\n\n"
        f"## Resolution\n\nReplayed placeholder for {path}.\n"
    ).encode()


_WORDS = (
    "mailbox",
    "sync",
    "license",
    "tenant",
    "policy",
    "meeting",
    "calendar",
    "client",
    "server",
    "update",
    "error",
    "profile",
    "password",
    "device",
    "share",
    "site",
    "channel",
    "folder",
    "rule",
    "connector",
    "hybrid",
    "migration",
    "quota",
    "token",
)


def _grouped(rows: list[Row], finals: list[str]) -> Iterator[list[tuple[Row, str]]]:
    group: list[tuple[Row, str]] = []
    for row, final in zip(rows, finals, strict=True):
        if group and group[0][0][0] != row[0]:
            yield group
            group = []
        group.append((row, final))
    if group:
        yield group


def replay(dest: Path, *, limit: int | None = None, layout: str = "plain") -> Path:
    """Replay the first ``limit`` commits (all by default) into a new repo at ``dest``."""
    rows = read_rows(limit)
    finals = _final_paths(rows)
    mapped = kcs_path if layout == "kcs" else (lambda p: p)
    fi = FastImport(dest)
    exists: set[str] = set()
    texts: dict[str, bytes] = {}
    if layout == "kcs":
        fi.commit(
            name="replay",
            email="replay@example.org",
            date=rows[0][1] - dt.timedelta(minutes=1) if rows else dt.datetime.now(dt.UTC),
            message="kcs.yml for the replayed knowledge base",
            ops=[("M", "kcs.yml", KCS_YML.encode())],
        )
    for group in _grouped(rows, finals):
        seq, date, author = group[0][0][:3]
        ops: list[Op] = []
        for (_s, _d, _a, status, path, old), final in group:
            path, old = mapped(path), mapped(old) if old else old
            if status == "D":
                if path in exists:
                    exists.discard(path)
                    ops.append(("D", path))
                continue
            if status == "R" and old in exists and old != path:
                exists.discard(old)
                exists.add(path)
                ops.append(("R", old, path))
                continue
            # A, M, or a rename whose source the replay never saw: write the content.
            base = texts.get(final)
            if base is None:
                base = texts[final] = _base_text(final, layout == "kcs")
            # A unique marker per commit makes every modification a real change.
            content = base if status != "M" else base + f"\n<!-- revision {seq} -->\n".encode()
            exists.add(path)
            ops.append(("M", path, content))
        if ops:
            fi.commit(
                name=author,
                email=f"{author}@users.example.org",
                date=date,
                message=f"Replayed commit {seq}",
                ops=ops,
            )
    return fi.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="replay the first N commits")
    parser.add_argument("--layout", choices=["plain", "kcs"], default="plain")
    args = parser.parse_args(argv)
    replay(args.dest, limit=args.limit, layout=args.layout)
    print(args.dest)


if __name__ == "__main__":
    main()
