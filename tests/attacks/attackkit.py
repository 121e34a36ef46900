"""Helpers of the attack suite: a plain Git server with the shipped pre-receive hook,
a clone per person with a real ssh-keygen key, and a forge-like repository for the
GitHub path (the gate run from the base checkout with the head fetched as data).

Every attack is a real commit pushed through real Git: the suite never calls the
decision code directly, so it keeps attacking whatever the hook and the CLI run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "gate"))

import kbrepo  # noqa: E402
from gitrepo import REPO_ROOT, git, write  # noqa: E402

from kcs.cli import cli  # noqa: E402

PEOPLE = kbrepo.PEOPLE
#: Who commits as whom: name and e-mail per key holder ("anna2" is a second key of Anna's).
NAMES: dict[str, tuple[str, str]] = {pid: (p["name"], p["email"]) for pid, p in PEOPLE.items()}
NAMES["mallory"] = ("Mallory", "mallory@example.org")
NAMES["anna2"] = NAMES["anna"]
KEY_HOLDERS = (*PEOPLE, "mallory", "anna2")
article = kbrepo.article


def kcs_yml(
    pubkeys: Mapping[str, str],
    *,
    people: Mapping[str, Mapping[str, object]] | None = None,
    rules: str = "publisher_self_publish: false",
) -> str:
    """kcs.yml as the seed has it, or with ``people`` instead (each may name a ``key``
    holder other than itself, e.g. ``anna2``)."""
    people = PEOPLE if people is None else people
    keys = {}
    table: dict[str, dict] = {}
    for pid, entry in people.items():
        holder = str(entry.get("key", pid))
        if holder in pubkeys:
            keys[pid] = pubkeys[holder]
        table[pid] = {k: v for k, v in entry.items() if k != "key"}
    return kbrepo.kcs_yml(table, keys, rules)


def people_with(**changes: Mapping[str, object] | None) -> dict[str, dict]:
    """The seed's people with entries replaced, added (new ids) or removed (None);
    new entries go first so that a lookup by name meets them before the real person."""
    out: dict[str, dict] = {}
    for pid, entry in changes.items():
        if pid not in PEOPLE and entry is not None:
            out[pid] = dict(entry)
    for pid, entry in PEOPLE.items():
        if pid in changes:
            if changes[pid] is not None:
                out[pid] = dict(changes[pid])  # type: ignore[arg-type]
        else:
            out[pid] = dict(entry)
    return out


@dataclass
class World:
    """One test's server, forge and clones."""

    tmp: Path
    seed: Path
    keys: Mapping[str, Path]
    pubkeys: Mapping[str, str]
    _server: Path | None = None
    _forge: Path | None = None
    _pull: int = 0

    # ------------------------------------------------------------ repositories

    @property
    def server(self) -> Path:
        """The plain Git server: a bare repository with the shipped hook installed."""
        if self._server is None:
            bare = self.tmp / "server.git"
            git(self.tmp, "clone", "-q", "--bare", "--local", str(self.seed), str(bare))
            hook = bare / "hooks" / "pre-receive"
            shutil.copy(REPO_ROOT / "hooks" / "pre-receive", hook)
            hook.chmod(0o755)
            git(bare, "config", "kcs.python", sys.executable)
            self._server = bare
        return self._server

    @property
    def forge(self) -> Path:
        """A forge's repository (no hook: on GitHub the gate is a status check)."""
        if self._forge is None:
            bare = self.tmp / "forge.git"
            git(self.tmp, "clone", "-q", "--bare", "--local", str(self.seed), str(bare))
            self._forge = bare
        return self._forge

    def clone(self, who: str, *, sign: bool = True, origin: Path | None = None) -> Path:
        """A clone of the server (or ``origin``) set up to commit and sign as ``who``."""
        origin = origin or self.server
        path = self.tmp / f"{who}-{origin.stem}"
        n = 1
        while path.exists():
            n += 1
            path = self.tmp / f"{who}-{origin.stem}-{n}"
        git(self.tmp, "clone", "-q", "--local", str(origin), str(path))
        name, email = NAMES.get(who, (who, f"{who}@example.org"))
        for key, value in (
            ("user.name", name),
            ("user.email", email),
            ("gpg.format", "ssh"),
            ("user.signingkey", str(self.keys[who])),
            ("commit.gpgsign", "true" if sign else "false"),
        ):
            git(path, "config", key, value)
        return path

    def refs(self, repo: Path | None = None) -> str:
        """Every ref of ``repo`` (the server by default) with its commit: the state to keep."""
        return git(repo or self.server, "for-each-ref", "--format=%(refname) %(objectname)")

    # ------------------------------------------------------------ the GitHub path

    @staticmethod
    def workflow_base(ci: Path) -> str:
        """The --base that .github/workflows/gate.yml passes, spelled for the CI clone."""
        flow = (REPO_ROOT / ".github" / "workflows" / "gate.yml").read_text(encoding="utf-8")
        match = re.search(r"kcs gate[^\n]*--base[ =]\"?([^\s\"]+)", flow)
        spelled = match.group(1) if match else "origin/${BASE_REF}"
        if "sha" in spelled.lower():  # the base commit itself
            return git(ci, "rev-parse", "refs/remotes/origin/main").strip()
        return spelled.replace("${BASE_REF}", "main").replace("$BASE_REF", "main")

    @staticmethod
    def workflow_flags() -> list[str]:
        """The switches .github/workflows/gate.yml gives `kcs gate`, so the harness judges
        as the workflow does (a flag dropped from the workflow is dropped here too)."""
        flow = (REPO_ROOT / ".github" / "workflows" / "gate.yml").read_text(encoding="utf-8")
        call = re.search(r"^\s*kcs gate (?:[^\n]*\\\n)*[^\n]*", flow, re.MULTILINE)
        line = call.group(0) if call else ""
        return [f for f in ("--skip-unknown", "--content-standard") if f in line]

    def pull_request(self, repo: Path, head: str = "HEAD") -> str:
        """Push ``head`` of ``repo`` to the forge as a pull request; return its commit id."""
        self._pull += 1
        sha = git(repo, "rev-parse", head).strip()
        git(repo, "push", "-q", str(self.forge), f"{sha}:refs/pull/{self._pull}/head")
        return sha

    def gate(self, sha: str, author: str, approvers: Sequence[str] = ()) -> tuple[int, str]:
        """Run `kcs gate` as the workflow does: a checkout of the base branch, the pull
        request's head fetched as data, forge logins with --skip-unknown."""
        ci = self.tmp / f"ci-{sha[:8]}-{len(approvers)}-{author[:8]}"
        if ci.exists():
            shutil.rmtree(ci)
        git(self.tmp, "clone", "-q", "--local", str(self.forge), str(ci))
        git(ci, "fetch", "-q", "origin", "+refs/pull/*:refs/remotes/pull/*")
        args = ["gate", "--root", str(ci), "--base", self.workflow_base(ci), "--head", sha]
        args += ["--author", author, *self.workflow_flags()]
        for login in approvers:
            args += ["--approver", login]
        result = CliRunner().invoke(cli, args)
        return result.exit_code, result.output


def kcs(*args: str) -> tuple[int, str]:
    """Run the kcs CLI in-process; (exit code, output)."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


# ------------------------------------------------------------ commits


def with_id(rel: str, text: str) -> str:
    """An article's text with the ``id`` its file name gives, unless it names one (so
    that a legitimate change also passes `kcs lint --strict`)."""
    if not (rel.startswith("articles/") and rel.endswith(".md") and text.startswith("---\n")):
        return text
    front = text.split("\n---\n", 1)[0]
    if re.search(r"^id:", front, re.MULTILINE):
        return text
    stem = rel.rsplit("/", 1)[-1].removesuffix(".md").split(".")[0]
    return f"---\nid: {stem}\n{text[4:]}"


def commit(
    repo: Path,
    files: Mapping[str, str | bytes | None],
    message: str = "Change",
    *,
    author: str | None = None,
    sign: bool | None = None,
) -> str:
    """Write ``files`` (None deletes) and commit them on the current branch."""
    for rel, text in files.items():
        target = repo / rel
        if text is None:
            git(repo, "rm", "-q", "--", rel)
        elif isinstance(text, bytes):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text)
        else:
            write(target, with_id(rel, text))
    git(repo, "add", "-A")
    args = ["commit", "-q", "--allow-empty", "-m", message]
    if author:
        args += ["--author", author]
    if sign is not None:
        args.append("-S" if sign else "--no-gpg-sign")
    git(repo, *args)
    return git(repo, "rev-parse", "HEAD").strip()


def blob(repo: Path, data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    result = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"], cwd=repo, input=raw, capture_output=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.decode().strip()


def _entry_key(name: bytes, mode: str) -> bytes:
    return name + b"/" if mode == "40000" else name


def _write_tree(repo: Path, node: dict[bytes, object]) -> str:
    """Write a (possibly hostile) tree object from nested dicts, bypassing Git's checks."""
    rows: list[tuple[bytes, str, str]] = []
    for name, value in node.items():
        if isinstance(value, dict):
            rows.append((name, "40000", _write_tree(repo, value)))
        elif isinstance(value, list):  # the same name more than once, in this order
            rows.extend((name, mode, sha) for mode, sha in value)
        else:
            mode, sha = value  # type: ignore[misc]
            rows.append((name, mode, sha))
    rows.sort(key=lambda r: _entry_key(r[0], r[1]))
    raw = b"".join(
        mode.encode() + b" " + name + b"\0" + bytes.fromhex(sha) for name, mode, sha in rows
    )
    result = subprocess.run(
        ["git", "hash-object", "-t", "tree", "-w", "--literally", "--stdin"],
        cwd=repo,
        input=raw,
        capture_output=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.decode().strip()


def tree_entries(repo: Path, rev: str) -> dict[bytes, tuple[str, str]]:
    """Every non-tree entry of ``rev``: path → (mode, object id)."""
    raw = subprocess.run(
        ["git", "ls-tree", "-r", "-z", "--full-tree", rev],
        cwd=repo,
        capture_output=True,
        check=True,
    ).stdout
    out: dict[bytes, tuple[str, str]] = {}
    for row in filter(None, raw.split(b"\0")):
        meta, path = row.split(b"\t", 1)
        mode, _kind, sha = meta.decode().split()
        out[path] = (mode, sha)
    return out


def make_tree(repo: Path, entries: Mapping[bytes, tuple[str, str]]) -> str:
    root: dict[bytes, object] = {}
    for path, value in entries.items():
        parts = path.split(b"/")
        node = root
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            assert isinstance(child, dict), path
            node = child
        node[parts[-1]] = value
    return _write_tree(repo, root)


def raw_commit(
    repo: Path,
    parents: Sequence[str],
    changes: Mapping[bytes | str, object] | None = None,
    message: str = "Change",
    *,
    base: str | None = None,
    sign: bool = True,
    author: str | None = None,
    move: bool = True,
) -> str:
    """A commit whose tree is ``base`` (default: the first parent) with ``changes``:
    path → (mode, object id), a list of them (one name, several entries), file text, or
    None to delete. Paths are taken as they
    are, so ``..``, backslashes and control characters reach the tree unchecked.
    ``move`` points the current branch at it."""
    start = base or parents[0]
    entries = tree_entries(repo, start)
    for path, value in (changes or {}).items():
        key = path.encode("utf-8", "surrogateescape") if isinstance(path, str) else path
        if value is None:
            entries.pop(key, None)
        elif isinstance(value, tuple | list):
            entries[key] = value  # type: ignore[assignment]
        else:
            entries[key] = ("100644", blob(repo, value))
    tree = make_tree(repo, entries)
    args = ["commit-tree", tree, "-m", message]
    for parent in parents:
        args += ["-p", parent]
    args.append("-S" if sign else "--no-gpg-sign")
    env = {}
    if author:
        name, email = author.rsplit(" <", 1)
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email.rstrip(">")}
    sha = git(repo, *args, env=env).strip()
    if move:
        git(repo, "update-ref", "HEAD", sha)
        git(repo, "reset", "-q", "--soft", "HEAD")
    return sha


def push(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "push", "--porcelain", *args], cwd=repo, capture_output=True, text=True
    )


# ------------------------------------------------------------ what a refusal looks like


def _matches(line: str, names: Iterable[str], rule: str) -> bool:
    rest = line
    for name in names:
        if name not in rest:
            return False
        rest = rest.replace(name, " ")
    return re.search(rule, rest, re.IGNORECASE) is not None


def assert_push_refused(
    world: World,
    result: subprocess.CompletedProcess[str],
    before: str,
    *names: str,
    rule: str,
    by: str = "kcs",
) -> None:
    """The push failed (exit 1), one `kcs:` line (``by``: which lines, a regular
    expression after "remote: ") names every one of ``names`` and the rule
    (a regular expression, matched outside the names), and no ref on the server moved."""
    lines = [
        line.removeprefix("remote: ").strip()
        for line in result.stderr.splitlines()
        if re.match(f"remote: (?:{by})", line)
    ]
    verdict = result.stderr.strip() or "accepted"
    assert result.returncode == 1, f"push exit status {result.returncode}: {verdict}"
    assert any(_matches(line, names, rule) for line in lines), (
        f"no refusal line names {names} and /{rule}/:\n{result.stderr}"
    )
    assert world.refs() == before, "the server changed although the push was refused"


def assert_push_accepted(
    world: World, result: subprocess.CompletedProcess[str], ref: str, sha: str
) -> None:
    assert result.returncode == 0, result.stderr
    assert git(world.server, "rev-parse", ref).strip() == sha


def assert_gate_refused(result: tuple[int, str], *names: str, rule: str) -> None:
    """`kcs gate` said no (exit 1) with one reason line naming ``names`` and the rule."""
    code, out = result
    assert code == 1, out
    lines = out.splitlines()
    assert any(_matches(line, names, rule) for line in lines), (
        f"no reason line names {names} and /{rule}/:\n{out}"
    )
