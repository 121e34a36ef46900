"""``kcs init``: a new knowledge repository for an organisation, on the released package.

The new repository holds content and settings only: articles, kcs.yml, mkdocs.yml, and
the workflows, hooks and deploy files of this project, which install the pinned
``kcs-portal`` version from ``requirements.txt`` instead of building kcs from source.
Raising that one pin is the upgrade (docs/guides/administrator.md, "Upgrading").

The workflows, hooks and deploy files are the ones this repository runs itself: the wheel
carries a copy made when it is built (setup.py → kcs/data/init/); from a source checkout
they are read from the checkout. Everything is written into a temporary folder beside the
target and renamed into place, so a failure leaves nothing behind.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import yaml

from .errors import ConfigError, KcsError, UsageError

PACKAGE = "kcs-portal"
TEMPLATE_DIRS = (".github", "hooks", "deploy")
_LANG = re.compile(r"^[a-z]{2,3}$")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
_INSTALL_FROM_SOURCE = re.compile(r"pip install \.(?=\s|$)")

DOMAIN_LABELS = {"sv": "Allmänt", "fi": "Yleistä", "nl": "Algemeen", "en": "General"}

#: The example article per language: (title, summary, issue, environment, resolution).
EXAMPLES: dict[str, tuple[str, str, str, str, str]] = {
    "en": (
        "How do I find answers in the knowledge base?",
        "Search first: most questions already have an answer here.",
        "I have a question or a problem and do not know where to start.",
        "The self-service portal, on any device.",
        "1. Type your question or the error message into the search box.\n"
        "2. Open the article that matches your problem and follow the steps.\n"
        "3. Tell us below whether it helped. If nothing matched, contact the service desk.",
    ),
    "sv": (
        "Hur hittar jag svar i kunskapsbanken?",
        "Sök först: de flesta frågor har redan ett svar här.",
        "Jag har en fråga eller ett problem och vet inte var jag ska börja.",
        "Självserviceportalen, på vilken enhet som helst.",
        "1. Skriv din fråga eller felmeddelandet i sökrutan.\n"
        "2. Öppna artikeln som stämmer med ditt problem och följ stegen.\n"
        "3. Berätta nedan om den hjälpte. Hittade du inget, kontakta servicedesken.",
    ),
    "fi": (
        "Miten löydän vastauksia tietopankista?",
        "Hae ensin: useimpiin kysymyksiin on jo vastaus täällä.",
        "Minulla on kysymys tai ongelma enkä tiedä, mistä aloittaa.",
        "Itsepalveluportaali millä tahansa laitteella.",
        "1. Kirjoita kysymyksesi tai virheilmoitus hakukenttään.\n"
        "2. Avaa ongelmaasi vastaava artikkeli ja seuraa ohjeita.\n"
        "3. Kerro alla, auttoiko se. Jos mikään ei sopinut, ota yhteyttä palvelupisteeseen.",
    ),
    "nl": (
        "Hoe vind ik antwoorden in de kennisbank?",
        "Zoek eerst: de meeste vragen hebben hier al een antwoord.",
        "Ik heb een vraag of een probleem en weet niet waar ik moet beginnen.",
        "Het selfserviceportaal, op elk apparaat.",
        "1. Typ uw vraag of de foutmelding in het zoekvak.\n"
        "2. Open het artikel dat bij uw probleem past en volg de stappen.\n"
        "3. Laat hieronder weten of het hielp. Vond u niets, neem dan contact op met "
        "de servicedesk.",
    ),
}


@dataclass(frozen=True)
class InitResult:
    root: Path
    files: tuple[str, ...]  # relative paths, sorted
    version: str  # the pinned kcs-portal version


def package_version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:  # pragma: no cover - kcs runs installed
        raise KcsError(f"the {PACKAGE} package is not installed; install it with pip") from None


def template_root() -> Path:
    """Where the workflows, hooks and deploy files come from (see the module docstring)."""
    packaged = Path(__file__).parent / "data" / "init"
    if (packaged / ".github").is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[1]
    if all((checkout / d).is_dir() for d in TEMPLATE_DIRS):
        return checkout
    raise KcsError(  # pragma: no cover - a broken installation
        f"{packaged}: the kcs init template is missing; reinstall {PACKAGE}"
    )


def parse_languages(text: str) -> tuple[str, ...]:
    langs = tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))
    bad = [lang for lang in langs if not _LANG.match(lang)]
    if not langs or bad:
        raise UsageError(
            f"--lang: {', '.join(bad) or 'nothing'} is not a list of language codes; "
            "write e.g. --lang sv,fi,en"
        )
    return langs


def plan(
    *,
    languages: tuple[str, ...],
    name: str,
    admin: str,
    admin_email: str,
    github: str,
    version: str,
) -> dict[str, str]:
    """Every file of the new repository except the copied template: path → text."""
    if not _ID.match(admin):
        raise UsageError(f"--admin: {admin!r} is not an id (lower-case letters, digits, - . _)")
    files: dict[str, str] = {}
    files["requirements.txt"] = (
        "# The kcs version this knowledge base runs on: CI, pre-commit and the publish step\n"
        "# install exactly this. Raising it is the upgrade (see README.md).\n"
        f"{PACKAGE}=={version}\n"
    )
    person: dict[str, object] = {
        "id": admin,
        "name": admin.capitalize(),
        "email": admin_email,
        "roles": {"*": "admin"},
    }
    if github:
        person["github"] = github
    config = {
        "site": {"name": name, "url": "", "internal_url": ""},
        "languages": list(languages),
        "default_language": languages[0],
        "domains": {"general": {lang: DOMAIN_LABELS.get(lang, "General") for lang in languages}},
        "people": [person],
        "contact": {"form_target": "", "email": "", "phone": ""},
        # deploy/ configures the web server: changing it is an admin's decision too.
        "rules": {
            "admin_paths": ["kcs.yml", "mkdocs.yml", ".github/", "hooks/", "kcs/", "deploy/"]
        },
    }
    files["kcs.yml"] = (
        "# The portal's configuration; every key is explained in the kcs documentation\n"
        "# (reference/kcs-yml). Add domains (folders under articles/) and people with their\n"
        "# KCS role per domain, then run `kcs codeowners` and commit .github/CODEOWNERS.\n"
        + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100)
    )
    files["mkdocs.yml"] = yaml.safe_dump(
        {
            "site_name": name,
            "docs_dir": "docs/portal",
            "use_directory_urls": True,
            "theme": {"name": "material", "language": languages[0], "font": False},
            "plugins": [{"kcs": {"audience": "public"}}],
            "markdown_extensions": [
                "admonition",
                "attr_list",
                "md_in_html",
                "tables",
                {"toc": {"permalink": True}},
            ],
        },
        allow_unicode=True,
        sort_keys=False,
    )
    files["docs/portal/.keep"] = ""
    files[".gitignore"] = "/site/\n/.kcs/\n/.venv/\n__pycache__/\n"
    files[".pre-commit-config.yaml"] = PRE_COMMIT
    files["README.md"] = README.format(name=name, version=version, package=PACKAGE)
    for index, lang in enumerate(languages):
        title, summary, issue, environment, resolution = EXAMPLES.get(lang, EXAMPLES["en"])
        heads = _headings(lang)
        ident = "welcome" if index == 0 else f"welcome-{lang}"
        meta: dict[str, object] = {
            "id": ident,
            "title": title,
            "lang": lang,
            "state": "validated",
            "audience": "public",
            "type": "howto",
            "summary": summary,
        }
        if index:
            meta["translation_of"] = "welcome"
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        body = (
            f"## {heads['issue']}\n\n{issue}\n\n## {heads['environment']}\n\n{environment}\n\n"
            f"## {heads['resolution']}\n\n{resolution}\n"
        )
        path = (
            "articles/general/welcome.md" if index == 0 else f"articles/general/welcome.{lang}.md"
        )
        files[path] = f"---\n{front}---\n\n{body}"
    return files


def _headings(lang: str) -> dict[str, str]:
    from .article import SECTION_HEADINGS

    return SECTION_HEADINGS.get(lang, SECTION_HEADINGS["en"])


def template_files(source: Path, version: str) -> dict[str, bytes]:
    """The copied workflows, hooks and deploy files, installing the pinned package."""
    out: dict[str, bytes] = {}
    for folder in TEMPLATE_DIRS:
        for path in sorted((source / folder).rglob("*")):
            rel = path.relative_to(source).as_posix()
            if not path.is_file() or rel == ".github/CODEOWNERS":
                continue
            data = path.read_bytes()
            if rel.startswith(".github/workflows/"):
                text = _INSTALL_FROM_SOURCE.sub("pip install -r requirements.txt", data.decode())
                data = text.encode()
            out[rel] = data
    return out


def init_repository(
    dest: Path,
    *,
    languages: tuple[str, ...] = ("en",),
    name: str = "Service desk",
    admin: str = "admin",
    admin_email: str = "admin@example.org",
    github: str = "",
    version: str | None = None,
) -> InitResult:
    """Write a new knowledge repository into ``dest`` (absent or an empty folder)."""
    dest = Path(dest).absolute()
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"{dest}: exists and is not a folder; choose a new or empty folder")
    if dest.is_dir() and any(dest.iterdir()):
        raise UsageError(f"{dest}: the folder is not empty; kcs init needs a new or empty folder")
    version = version or package_version()
    files: dict[str, bytes] = {
        rel: text.encode("utf-8")
        for rel, text in plan(
            languages=languages,
            name=name,
            admin=admin,
            admin_email=admin_email,
            github=github,
            version=version,
        ).items()
    }
    files.update(template_files(template_root(), version))
    dest.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.init-", dir=dest.parent))
    try:
        for rel, data in files.items():
            target = temp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            if rel.startswith("hooks/") and data.startswith(b"#!"):
                target.chmod(0o755)
        _codeowners(temp)
        temp.chmod(0o755)
        if dest.is_dir():
            dest.rmdir()  # empty, checked above; rmdir fails if something appeared since
        os.replace(temp, dest)
    finally:
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)
    written = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    return InitResult(dest, tuple(written), version)


def _codeowners(root: Path) -> None:
    from .config import load_config
    from .review import codeowners

    config = load_config(root)
    if config.warnings:
        raise ConfigError(f"{root / 'kcs.yml'}: {config.warnings[0]}")  # pragma: no cover
    codeowners.write(root, config)


PRE_COMMIT = """\
# Checks every commit the way CI does. The hooks run the kcs of this environment:
# `pip install -r requirements.txt` first (the pinned kcs-portal), then `pre-commit install`.
repos:
  - repo: local
    hooks:
      - id: kcs-lint
        name: kcs lint (KCS content standard)
        entry: kcs lint
        language: system
        files: ^articles/.*\\.md$
      - id: kcs-codeowners
        name: CODEOWNERS matches kcs.yml
        entry: kcs codeowners --check
        language: system
        files: ^(kcs\\.yml|\\.github/CODEOWNERS)$
        pass_filenames: false
      - id: trailing-whitespace
        name: no trailing whitespace
        entry: "[ \\t]+$"
        language: pygrep
        types_or: [markdown, yaml]
"""

README = """\
# {name}: knowledge base

Articles (Markdown with YAML front matter under `articles/`), the portal's settings
(`kcs.yml`, `mkdocs.yml`) and the automation around them. The software is the released
`{package}` package, pinned in `requirements.txt` ({version}); this repository holds no
source code of it.

## Start

    python3 -m venv .venv && .venv/bin/pip install -r requirements.txt
    .venv/bin/pre-commit install   # optional: pip install pre-commit first
    .venv/bin/kcs new "The problem in the requester's words"
    .venv/bin/kcs lint && .venv/bin/kcs build && .venv/bin/kcs serve

- `kcs.yml`: languages, domains, people and their KCS roles. After changing people, run
  `kcs codeowners` and commit `.github/CODEOWNERS`.
- `.github/`: pull-request checks (`kcs lint`, `kcs gate`, a preview build) and publishing.
- `hooks/`: `pre-receive` and `post-receive` for a plain Git server instead of a forge.
- `deploy/`: the web server configuration for the built sites.

## Upgrading kcs

1. Read the changelog of `{package}` between your version and the new one.
2. Raise the version in `requirements.txt` and reinstall (`pip install -r requirements.txt`).
3. Run `kcs lint` and `kcs build --strict`: new checks may report findings in old articles.
4. Compare the workflows, hooks and deploy files with a fresh `kcs init` of the new version
   (`kcs init /tmp/new-kb` and `diff -r`), and take over what changed.
5. Commit; CI installs exactly the pinned version.
"""
