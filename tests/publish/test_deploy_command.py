"""The GitHub path's server side: a release built elsewhere, uploaded with real rsync through
the deploy key's forced command (deploy/ssh/kcs-deploy-command, with rrsync), then activated.
An ssh stand-in runs the forced command exactly as sshd would: the client's command line in
SSH_ORIGINAL_COMMAND, whatever the client asked for."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import REPO_ROOT
from pubkb import make_server

from kcs.publish import publish
from kcs.publish.releases import release_name

COMMAND = REPO_ROOT / "deploy" / "ssh" / "kcs-deploy-command"


@pytest.fixture
def server(tmp_path: Path) -> dict[str, Path]:
    if not shutil.which("rrsync"):
        pytest.fail("rsync (with rrsync) is not installed: scripts/test.sh installs it")
    bare, _ = make_server(tmp_path)
    built = tmp_path / "runner"  # what the workflow builds on its runner
    built.mkdir()
    result = publish(bare, built)
    dest = tmp_path / "srv"
    dest.mkdir()
    ssh = tmp_path / "fake-ssh"
    ssh.write_text(
        "#!/bin/sh\nshift\n"
        f'SSH_ORIGINAL_COMMAND="$*" KCS_PUBLISH_DIR={dest} KCS_PYTHON={sys.executable} '
        f"exec {COMMAND}\n"
    )
    ssh.chmod(0o755)
    return {
        "release": built / "releases" / result.release,
        "commit": Path(result.commit),
        "dest": dest,
        "ssh": ssh,
        "tmp": tmp_path,
    }


def remote(server: dict[str, Path], command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(server["ssh"]), "web.example", command], capture_output=True, text=True, timeout=120
    )


def upload(server: dict[str, Path], source: Path, name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["rsync", "-a", "-e", str(server["ssh"]), f"{source}/", f"web.example:{name}/"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_upload_then_activate(server: dict[str, Path]) -> None:
    name = release_name(str(server["commit"]))
    done = upload(server, server["release"], name)
    assert done.returncode == 0, done.stderr
    assert (server["dest"] / "incoming" / name / "public/index.html").is_file()
    done = remote(server, f"activate {name}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{str(server['commit'])[:12]} live as {name}")
    live = server["dest"] / "live"
    assert os.readlink(live) == f"releases/{name}"
    assert (live / "public/a/vpn/index.html").is_file()
    (entry,) = [
        json.loads(x) for x in (server["dest"] / "publish-log.jsonl").read_text().splitlines()
    ]
    assert entry["action"] == "activate" and entry["commit"] == str(server["commit"])
    assert remote(server, "publish-log").stdout.strip() == json.dumps(entry, sort_keys=True)


def test_upload_with_a_symlink_is_refused(server: dict[str, Path]) -> None:
    name = release_name(str(server["commit"]))
    evil = server["tmp"] / "evil"
    shutil.copytree(server["release"], evil, symlinks=True)
    (evil / "public" / "passwd.html").symlink_to("/etc/passwd")
    assert upload(server, evil, name).returncode == 0
    done = remote(server, f"activate {name}")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: ") and "passwd.html: a symlink" in done.stderr
    assert done.stderr.count("\n") == 1
    assert not (server["dest"] / "live").exists()


@pytest.mark.parametrize(
    ("command", "status", "message"),
    [
        ("rm -rf /", 1, "refused: only rsync uploads, activate and publish-log"),
        ("activate ../../etc", 2, "bad release name"),
        ("activate x; touch /tmp/kcs-pwned", 2, "bad release name"),
        ("activate 20261204T000000000000Z-0123456789ab", 1, "no such uploaded release"),
        ("sh -c id", 1, "refused"),
        ("", 1, "refused"),
    ],
)
def test_anything_else_is_refused(
    server: dict[str, Path], command: str, status: int, message: str
) -> None:
    done = remote(server, command)
    assert done.returncode == status and message in done.stderr
    assert not Path("/tmp/kcs-pwned").exists()


def test_upload_cannot_leave_incoming(server: dict[str, Path]) -> None:
    for target in ("../escaped", "/tmp/kcs-escaped", "../releases/x"):
        subprocess.run(
            [
                "rsync",
                "-a",
                "-e",
                str(server["ssh"]),
                f"{server['release']}/release.json",
                f"web.example:{target}",
            ],
            capture_output=True,
            timeout=60,
        )
    assert not (server["dest"] / "escaped").exists()
    assert not Path("/tmp/kcs-escaped").exists()
    assert not (server["dest"] / "releases").exists()
    # reading back is refused too: the key can only write
    done = subprocess.run(
        ["rsync", "-a", "-e", str(server["ssh"]), "web.example:./", str(server["tmp"] / "back")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0


@pytest.mark.parametrize("flaw", ["fifo", "no pages", "no search index"])
def test_upload_that_is_not_a_built_release_is_refused(server: dict[str, Path], flaw: str) -> None:
    from kcs.errors import KcsError
    from kcs.publish import activate

    name = release_name(str(server["commit"]))
    upload = server["dest"] / "incoming" / name
    shutil.copytree(server["release"], upload, symlinks=True)
    if flaw == "fifo":
        os.mkfifo(upload / "public" / "fifo")
        message = "fifo: not a regular file"
    elif flaw == "no pages":
        (upload / "internal" / "index.html").unlink()
        message = "internal/index.html: missing"
    else:
        shutil.rmtree(upload / "public" / "pagefind")
        message = "public/pagefind/pagefind-entry.json: missing"
    with pytest.raises(KcsError) as caught:
        activate(server["dest"], name)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert not (server["dest"] / "live").exists()
