from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import REPO_ROOT, write

from kcs.config import iter_keys, load_config, parse_duration
from kcs.errors import ConfigError


def config_from(tmp_path: Path, text: str):
    write(tmp_path / "kcs.yml", text)
    return load_config(tmp_path)


def test_the_sample_configuration_is_valid_and_complete() -> None:
    config = load_config(REPO_ROOT)
    assert config.warnings == ()
    assert set(config.languages) >= {"sv", "fi", "nl", "en"}
    assert config.person("anna.lindqvist@example.org").id == "anna"
    assert config.person("mvirtanen").role_in("network") == "publisher"
    assert config.person("mvirtanen").role_in("printing") == "contributor"
    assert config.review_interval(type="known-error", domain="printing", audience="public") == 90
    assert config.review_interval(type="known-error", domain="accounts", audience="public") == 180


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.default_language == "en"
    assert config.cost.per_contact == 50.0


def test_unknown_keys_are_warnings_with_line_numbers(tmp_path: Path) -> None:
    config = config_from(tmp_path, "languages: [en]\ndefault_language: en\nsiet: {}\n")
    assert config.warnings[0].startswith("kcs.yml:3: unknown key 'siet'")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("site: {url: ftp://x}\n", "kcs.yml:1: 'site.url': 'ftp://x' is not an http(s) URL"),
        (
            "languages: [sv]\ndefault_language: fi\n",
            "kcs.yml: default_language 'fi' is not in languages ['sv']; add it or pick one of them",
        ),
        (
            "cost:\n  per_contact: many\n",
            "kcs.yml:1: 'cost.per_contact': expected a number of 0 or more",
        ),
        (
            "review: {every: soon}\n",
            "kcs.yml:1: 'review.every': 'soon' is not a duration; "
            "write e.g. 90d, 2 weeks, 6 months or 1 year",
        ),
        (
            "people:\n  - {id: x, roles: {vpn: boss}}\n",
            "kcs.yml: people[1] (x): role 'boss' for 'vpn' is not one of candidate, contributor, "
            "publisher, coach, kde, admin",
        ),
        (
            "people:\n  - {id: x}\n  - {id: x}\n",
            "kcs.yml: people[2]: id 'x' appears twice; ids must be unique",
        ),
        ("languages: [sv\n", "kcs.yml:2: invalid YAML"),
        ("a: &x [1]\nb: *x\n", "kcs.yml:2: YAML anchors and aliases"),
        ("- just a list\n", "kcs.yml:1: expected a mapping"),
        (
            "languages: [sv, en]\ndefault_language: sv\ndomains:\n  network: {sv: Nätverk, VPN}\n",
            "kcs.yml: domains.network.VPN: expected a label per language (sv, en); quote labels",
        ),
    ],
)
def test_errors_name_the_key_and_the_fix(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        config_from(tmp_path, text)
    assert str(info.value).startswith(message)


def test_python_tags_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="kcs.yml:1: invalid YAML"):
        config_from(tmp_path, "site: !!python/object/apply:os.system ['true']\n")


@pytest.mark.parametrize(
    ("value", "days"), [(90, 90), ("90d", 90), ("2 weeks", 14), ("6 months", 180), ("1 year", 365)]
)
def test_durations(value: object, days: int) -> None:
    assert parse_duration(value) == days


def test_every_key_is_documented() -> None:
    reference = (REPO_ROOT / "docs/reference/kcs-yml.md").read_text(encoding="utf-8")
    missing = [name for name, _ in iter_keys() if f"`{name}`" not in reference]
    assert missing == []


def test_sections_are_typed_values_read_once(tmp_path: Path) -> None:
    import datetime as dt

    config = config_from(
        tmp_path,
        "review:\n  due_soon: 2 weeks\n  every: 6 months\nusage:\n  database: data/u.sqlite\n"
        "  retention: 1 year\nsite:\n  featured: [vpn-connect]\n",
    )
    assert config.review.due_soon == dt.timedelta(days=14)
    assert config.review.every == dt.timedelta(days=180)
    assert config.review.wip_max == dt.timedelta(days=30)  # the default, typed too
    assert config.usage.database == Path("data/u.sqlite")
    assert config.usage.retention == dt.timedelta(days=365)
    assert config.site.featured == ("vpn-connect",)
    assert config.site.length_guideline == 600
    with pytest.raises(AttributeError):
        config.review.due_soon = dt.timedelta(days=1)  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.contact.hours["sv"] = "never"  # type: ignore[index]


def test_every_schema_key_has_a_typed_attribute() -> None:
    config = load_config(REPO_ROOT)
    for dotted, _key in iter_keys():
        owner: object = config
        for part in dotted.split("."):
            owner = getattr(owner, part)


def test_the_package_reads_the_configuration_through_typed_attributes() -> None:
    """A dotted-key lookup (``config.get("usage.database")``) returns Any and hides a
    typo until run time; only kcs/config.py may touch the raw values."""
    import re

    lookup = re.compile(r"\.get\(\s*[\"'][a-z_]+\.[a-z_.]+[\"']|\.raw\b")
    found = [
        f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}"
        for path in sorted((REPO_ROOT / "kcs").rglob("*.py"))
        if path.name != "config.py" or path.parent.name != "kcs"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if lookup.search(line)
    ]
    assert found == []


def test_the_configuration_pickles(tmp_path: Path) -> None:
    """The forked article loader sends the knowledge base, configuration included, to
    its parent: an unpicklable value would make every report load the articles twice."""
    import pickle

    config = load_config(REPO_ROOT)
    again = pickle.loads(pickle.dumps(config))
    assert again == config
    assert again.contact.hours == config.contact.hours
    assert again.review.due_soon == config.review.due_soon
