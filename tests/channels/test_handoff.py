"""contact.form_target: mailto or a ticket system's address with a {text} placeholder."""

from __future__ import annotations

from pathlib import Path

import pytest
from chankb import make_channel_kb

from kcs.build import build_sites
from kcs.errors import BuildError, ConfigError
from kcs.site.handoff import parse

TEMPLATES = {
    "topdesk": "https://topdesk.example.org/tas/public/ssp/content/serviceflow?unid=abc"
    "&briefDescription={subject}&request={text}",
    "zammad": "https://zammad.example.org/#customer_ticket_new?title={subject}&body={text}",
    "servicenow": "https://example.service-now.com/incident.do?sys_id=-1"
    "&sysparm_query=short_description={subject}^description={text}",
}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_documented_templates_are_accepted(name: str) -> None:
    handoff = parse(TEMPLATES[name])
    assert handoff.kind == "ticket" and handoff.template == TEMPLATES[name]
    assert "{" not in handoff.action and "?" not in handoff.action
    guide = Path(__file__).parents[2] / "docs/guides/administrator.md"
    assert TEMPLATES[name] in guide.read_text(encoding="utf-8")


def test_mailto() -> None:
    handoff = parse("mailto:desk@example.org")
    assert (handoff.kind, handoff.action, handoff.method) == (
        "mailto",
        "mailto:desk@example.org",
        "get",
    )
    assert parse("").kind == ""


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "https://desk.example.org/new?title={subject}",
            "kcs.yml: contact.form_target: the ticket address has no {text} placeholder",
        ),
        (
            "https://desk.example.org/new?d={text}&u={user}",
            "kcs.yml: contact.form_target: unknown placeholder {user}",
        ),
        ("javascript:alert(1)//{text}", "kcs.yml: contact.form_target: 'javascript:alert(1)"),
        ("mailto:a@b.org,c@d.org", "kcs.yml: contact.form_target: 'mailto:a@b.org,c@d.org' is"),
    ],
)
def test_bad_targets(target: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(target)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_bad_template_fails_the_build_in_one_line(tmp_path: Path) -> None:
    root = make_channel_kb(tmp_path / "kb")
    with (root / "kcs.yml").open("a", encoding="utf-8") as handle:
        handle.write("contact:\n  form_target: https://desk.example.org/new?title={subject}\n")
    with pytest.raises(BuildError) as caught:
        build_sites(root, ("public",))
    assert "contact.form_target: the ticket address has no {text} placeholder" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not (root / "site/public").exists()
