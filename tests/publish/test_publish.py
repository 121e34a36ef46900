"""kcs publish on a real bare repository: releases, the live symlink, rollback, the lock,
and every bad input leaving the live site as it was."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pubkb import article, change, hold_lock, live_page, make_server
from smalldisk import mounted

from kcs.cli import cli
from kcs.publish import Layout, publish, rollback

VPN = "articles/network/vpn.md"
KCS = str(Path(sys.executable).parent / "kcs")


def snapshot(dest: Path) -> tuple[str, list[str], str]:
    """What a failed publish must not change: the link, the releases, the log."""
    log = dest / "publish-log.jsonl"
    return (
        os.readlink(dest / "live"),
        sorted(p.name for p in (dest / "releases").iterdir()),
        log.read_text(encoding="utf-8") if log.exists() else "",
    )


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["publish", *args])
    return result.exit_code, result.output


@pytest.fixture
def server(tmp_path: Path) -> tuple[Path, Path, Path]:
    bare, work = make_server(tmp_path)
    dest = tmp_path / "srv"
    dest.mkdir()
    return bare, work, dest


def test_publish_swaps_release_and_logs_it(server: tuple[Path, Path, Path]) -> None:
    bare, work, dest = server
    first = publish(bare, dest)
    assert first.status == "published"
    assert first.pages["public"] > 0 and first.pages["internal"] > first.pages["public"]
    assert "Restart the VPN client" in live_page(dest, "public", "a/vpn/index.html")
    assert not (dest / "live/public/a/breakglass").exists()
    assert (dest / "live/internal/a/breakglass/index.html").is_file()

    sha = change(work, VPN, article("vpn", "VPN does not connect", "Reinstall the client."), "VPN")
    second = publish(bare, dest)
    assert (second.status, second.commit) == ("published", sha)
    assert "Reinstall the client" in live_page(dest, "public", "a/vpn/index.html")
    assert os.readlink(dest / "live") == f"releases/{second.release}"
    assert Layout(dest).release_names() == [first.release, second.release]
    # the build read the history of a clean clone, not a checkout
    assert not (dest / "releases" / second.release / "src").exists()

    entries = [json.loads(line) for line in (dest / "publish-log.jsonl").read_text().splitlines()]
    assert [e["commit"] for e in entries] == [first.commit, sha]
    assert entries[1]["action"] == "publish"
    assert entries[1]["pages"] == second.pages
    assert entries[1]["merged"].startswith("20")
    assert entries[1]["published"] >= entries[0]["published"]

    again = publish(bare, dest)
    assert (again.status, again.release) == ("unchanged", second.release)


def test_publish_renders_what_the_merge_changed(server: tuple[Path, Path, Path]) -> None:
    """The second release links the pages the merge did not change from the live one,
    and --full renders them all; both releases show the change."""
    bare, work, dest = server
    first = publish(bare, dest)
    release = dest / "releases" / first.release
    assert json.loads(release.joinpath(".kcs-cache/public.json").read_text())["pages"]
    change(work, VPN, article("vpn", "VPN does not connect", "Reinstall the client."), "VPN")
    second = publish(bare, dest)
    newer = dest / "releases" / second.release
    entry = json.loads((dest / "publish-log.jsonl").read_text().splitlines()[-1])
    assert 0 < entry["reused"]["public"] < entry["pages"]["public"]
    assert 0 < entry["reused"]["internal"] < entry["pages"]["internal"]
    assert "Reinstall the client" in live_page(dest, "public", "a/vpn/index.html")
    unchanged = "public/a/breakglass/index.html", "internal/a/breakglass/index.html"
    page = next(p for p in unchanged if (release / p).exists())
    assert (newer / page).stat().st_ino == (release / page).stat().st_ino

    change(work, VPN, article("vpn", "VPN does not connect", "Check the cable."), "VPN")
    code, output = run_cli("--repo", str(bare), "--dest", str(dest), "--full")
    assert code == 0, output
    entry = json.loads((dest / "publish-log.jsonl").read_text().splitlines()[-1])
    assert entry["reused"] == {"public": 0, "internal": 0}
    assert "Check the cable" in live_page(dest, "public", "a/vpn/index.html")


def test_publish_of_an_older_commit_is_skipped_unless_forced(
    server: tuple[Path, Path, Path],
) -> None:
    bare, work, dest = server
    old = publish(bare, dest).commit
    change(work, VPN, article("vpn", "VPN", "Newer text."), "newer")
    new = publish(bare, dest)
    assert publish(bare, dest, old).status == "unchanged"
    forced = publish(bare, dest, old, force=True)
    assert forced.status == "published" and forced.commit == old
    assert forced.release != new.release


def test_rollback_goes_back_one_and_keep_prunes(server: tuple[Path, Path, Path]) -> None:
    bare, work, dest = server
    releases = [publish(bare, dest, keep=2).release]
    for n in range(2):
        change(work, VPN, article("vpn", "VPN", f"Version {n}."), f"v{n}")
        releases.append(publish(bare, dest, keep=2).release)
    assert Layout(dest).release_names() == releases[1:]

    back = rollback(dest)
    assert back.status == "rolled-back" and back.release == releases[1]
    assert "Version 0." in live_page(dest, "public", "a/vpn/index.html")
    last = json.loads((dest / "publish-log.jsonl").read_text().splitlines()[-1])
    assert last["action"] == "rollback" and last["release"] == releases[1]

    code, out = run_cli("--dest", str(dest), "--rollback")
    assert code == 1
    assert out == (
        f"Error: {dest / 'releases'}: no release older than the live {releases[1]}; keep "
        "more releases with --keep to be able to roll back\n"
    )


def test_cli_output(server: tuple[Path, Path, Path]) -> None:
    bare, _, dest = server
    code, out = run_cli("--repo", str(bare), "--dest", str(dest), "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["status"] == "published" and data["removed"] == []
    code, out = run_cli("--repo", str(bare), "--dest", str(dest))
    assert (code, out) == (0, f"{data['commit'][:12]} is live already ({data['release']})\n")


def test_failing_build_leaves_live_site(server: tuple[Path, Path, Path]) -> None:
    bare, work, dest = server
    publish(bare, dest)
    before = snapshot(dest)
    sha = change(work, "kcs.yml", "site: [unclosed\n", "break the configuration")
    code, out = run_cli("--repo", str(bare), "--dest", str(dest))
    assert code == 1
    assert out.startswith(f"Error: commit {sha[:12]}: ")
    assert out.endswith("; the live site is unchanged\n") and out.count("\n") == 1
    assert snapshot(dest) == before
    assert "Restart the VPN client" in live_page(dest, "public", "a/vpn/index.html")


def test_leaking_build_leaves_live_site(server: tuple[Path, Path, Path]) -> None:
    bare, work, dest = server
    publish(bare, dest)
    before = snapshot(dest)
    leak = article("leak", "Leaky", "Agents open `a/breakglass/` for the console.")
    change(work, "articles/network/leak.md", leak, "leak")
    code, out = run_cli("--repo", str(bare), "--dest", str(dest))
    assert code == 1
    assert "leak check failed" in out and "'breakglass'" in out and out.count("\n") == 1
    assert snapshot(dest) == before
    assert not (dest / "live/public/a/leak").exists()


@pytest.mark.parametrize("kind", ["missing", "file", "live-folder", "not-a-repo"])
def test_bad_folders(tmp_path: Path, server: tuple[Path, Path, Path], kind: str) -> None:
    bare, _, dest = server
    if kind == "missing":
        dest = tmp_path / "nowhere"
        want = f"{dest}: the publish folder does not exist; create it (mkdir -p)"
    elif kind == "file":
        dest = tmp_path / "afile"
        dest.write_text("x")
        want = f"{dest}: not a folder; give --dest a folder"
    elif kind == "live-folder":
        (dest / "live").mkdir()
        want = f"{dest / 'live'}: a real folder, not a symlink; move it away"
    else:
        bare = tmp_path / "plain"
        bare.mkdir()
        want = f"{bare}: not a Git repository"
    code, out = run_cli("--repo", str(bare), "--dest", str(dest))
    assert code == 1 and out.startswith(f"Error: {want}") and out.count("\n") == 1


def test_unknown_commit(server: tuple[Path, Path, Path]) -> None:
    bare, _, dest = server
    code, out = run_cli("--repo", str(bare), "--dest", str(dest), "--commit", "nosuch")
    assert (code, out) == (
        2,
        f"Error: unknown revision 'nosuch': no such branch, tag or commit in {bare}\n",
    )


def test_busy_lock_names_its_holder(server: tuple[Path, Path, Path]) -> None:
    bare, _, dest = server
    holder = hold_lock(dest)
    try:
        code, out = run_cli("--repo", str(bare), "--dest", str(dest), "--wait", "0.5")
    finally:
        holder.kill()
        holder.wait()
    assert code == 1
    assert out == (
        f"Error: {dest / 'publish.lock'}: held by pid {holder.pid} publishing main; waited "
        "0.5 s, try again later or wait longer with --wait\n"
    )
    assert not (dest / "live").exists()


def test_dead_lock_holder_does_not_block(server: tuple[Path, Path, Path]) -> None:
    bare, _, dest = server
    holder = hold_lock(dest)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    result = publish(bare, dest, wait=0)
    assert result.status == "published"
    # the dead publisher's half-built release was removed
    assert [p.name for p in (dest / "releases").iterdir()] == [result.release]


def test_newest_commit_wins(server: tuple[Path, Path, Path]) -> None:
    """Publishers queued behind a running one: the newest commit is built once."""
    bare, work, dest = server
    holder = hold_lock(dest)
    waiting = []
    shas = []
    try:
        for n in range(3):
            shas.append(change(work, VPN, article("vpn", "VPN", f"Push {n}."), f"push {n}"))
            waiting.append(
                subprocess.Popen(
                    [KCS, "publish", "--repo", str(bare), "--dest", str(dest)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        time.sleep(1)
        assert all(p.poll() is None for p in waiting)  # they wait for the lock
    finally:
        holder.kill()
        holder.wait()
    outputs = [p.communicate(timeout=600) for p in waiting]
    assert all(p.returncode == 0 for p in waiting), outputs
    entries = [json.loads(line) for line in (dest / "publish-log.jsonl").read_text().splitlines()]
    assert [e["commit"] for e in entries] == [shas[-1]]
    assert sum("is live already" in out for out, _ in outputs) == 2
    assert "Push 2." in live_page(dest, "public", "a/vpn/index.html")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with mounted(tmp_path / "disk", "10m") as mount:
        yield mount


def test_full_disk_leaves_live_site(server: tuple[Path, Path, Path], small_disk: Path) -> None:
    bare, work, _ = server
    dest = small_disk
    publish(bare, dest)
    before = snapshot(dest)
    # a release takes about 7 MB: the second one does not fit beside the first
    change(work, VPN, article("vpn", "VPN", "A second release."), "second")
    code, out = run_cli("--repo", str(bare), "--dest", str(dest))
    assert code == 1
    assert out.startswith(f"Error: {dest}: no space left on the device while building ")
    assert out.endswith("; the live site is unchanged\n") and out.count("\n") == 1
    assert snapshot(dest) == before
    assert not any(p.name.startswith(".build-") for p in (dest / "releases").iterdir())
    assert "Restart the VPN client" in live_page(dest, "public", "a/vpn/index.html")


def test_health_report_reads_the_servers_publish_log(server: tuple[Path, Path, Path]) -> None:
    bare, work, dest = server
    publish(bare, dest)
    health = dest / "live/internal/reports/health/index.html"
    assert "no publishing run has been recorded yet" in health.read_text(encoding="utf-8")
    change(work, VPN, article("vpn", "VPN", "Second."), "second")
    publish(bare, dest)
    text = health.read_text(encoding="utf-8")
    assert "no publishing run has been recorded yet" not in text
    assert "median_publish_minutes" in text
    # the copy the build read is not kept in the release's source folder
    assert not (dest / "live/source/.kcs/publish-log.jsonl").exists()
    assert (dest / "live/source/kcs.yml").is_file()
