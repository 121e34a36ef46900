"""The internal site's log is agent use, apart from self-service; deflection (potential and
confirmed) and value never credit internal or archived articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from usagekit import e, line, make_kb

from kcs.cli import cli

PUBLIC_LOG = [
    # reads, says it helped: potential and confirmed
    line("192.0.2.1", 0, "/a/vpn-connect/"),
    line("192.0.2.1", 1, e("t=feedback&a=vpn-connect&h=yes&l=sv"), 204),
    # clicks a result, leaves without a word: potential only
    line("192.0.2.2", 0, e("t=search&q=printer&n=2&l=en"), 204),
    line("192.0.2.2", 1, e("t=click&q=printer&p=1&a=printing-add-printer&l=en"), 204),
    # sees suggestions, writes to the desk anyway: neither
    line("192.0.2.3", 0, e("t=suggest&q=printer&n=2&l=en"), 204),
    line("192.0.2.3", 1, e("t=contact&q=printer&l=en"), 204),
    # forged beacons crediting an internal and an archived article
    *(
        line(f"192.0.2.{n}", 0, e(f"t=feedback&a={a}&h=yes&l=sv"), 204)
        for n, a in ((10, "agent-runbook"), (11, "agent-runbook"), (12, "old-fax"))
    ),
]
INTERNAL_LOG = [
    line("10.0.0.1", 0, "/a/agent-runbook/"),
    line("10.0.0.1", 1, e("t=feedback&a=agent-runbook&h=yes&l=sv"), 204),
    line("10.0.0.2", 0, "/a/agent-runbook/"),
    line("10.0.0.2", 2, "/a/vpn-connect/"),
]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_kb(tmp_path / "kb")
    for aid, audience, state in (
        ("agent-runbook", "internal", "validated"),
        ("old-fax", "public", "archived"),
    ):
        (root / "articles" / "network" / f"{aid}.md").write_text(
            f"---\nid: {aid}\ntitle: {aid}\nstate: {state}\naudience: {audience}\n---\n\n"
            "## Issue\n\nIt fails.\n\n## Resolution\n\nDo this.\n",
            encoding="utf-8",
        )
    public, internal = tmp_path / "public.access.log", tmp_path / "internal.access.log"
    public.write_text("".join(PUBLIC_LOG))
    internal.write_text("".join(INTERNAL_LOG))
    assert run("usage", "ingest", "--root", str(root), str(public))[0] == 0
    code, out = run("usage", "ingest", "--root", str(root), "--site", "internal", str(internal))
    assert code == 0, out
    assert (root / ".kcs/usage-agents.sqlite").is_file()
    return root


def report(repo: Path, name: str) -> dict:  # type: ignore[type-arg]
    code, out = run("report", name, "--root", str(repo), "--format", "json")
    assert code == 0, out
    return json.loads(out)  # type: ignore[no-any-return]


def test_usage_report_keeps_agent_use_apart(repo: Path) -> None:
    data = report(repo, "usage")
    figures = data["figures"]
    assert figures["Article views"] == 1  # the public log's one page view
    assert figures["Agent article views (internal site)"] == 3
    assert figures["Potential deflection"] == 2
    assert figures["Confirmed deflection"] == 1
    agents = {r["article"]: (r["views"], r["visitors"]) for r in data["tables"]["agent_use"]}
    assert agents == {"agent-runbook": (2, 2), "vpn-connect": (1, 1)}
    articles = {r["article"] for r in data["tables"]["by_article"]}
    assert "agent-runbook" not in articles or all(
        r["views"] == 0 for r in data["tables"]["by_article"] if r["article"] == "agent-runbook"
    )


def test_value_never_credits_internal_or_archived(repo: Path) -> None:
    data = report(repo, "value")
    assert data["figures"]["Contacts avoided"] == 1
    assert data["figures"]["Potential deflection"] == 2
    assert [r["article"] for r in data["tables"]["by_article"]] == ["vpn-connect"]
    (month,) = data["tables"]["by_month"]
    assert (month["potential"], month["avoided"]) == (2, 1)
    assert "internal or archived articles are never credited" in " ".join(data["notes"])
