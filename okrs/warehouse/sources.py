"""The warehouse sources file (YAML, named by the setting WAREHOUSE_SOURCES_FILE):
each source's database, query, the account it acts as, draft or submitted, and the
reason kept in the history. Read and checked as a whole, so a mistake anywhere in
it is found the first time it is used, with a message naming the source and key.

No database here, and no secret: a source names the environment variable that
holds its database URL, never the URL itself.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings

from objectives.text import plain_text
from okrs.imports import reason_problem

DRAFT, SUBMITTED = "draft", "submitted"
DEFAULT_TIMEOUT_SECONDS = 60
# A query that needs longer than an hour belongs in the warehouse's own jobs.
MAX_TIMEOUT_SECONDS = 60 * 60
# A sources file lists a few queries, not data.
MAX_SOURCES_FILE_BYTES = 1024 * 1024
MAX_QUERY_CHARACTERS = 100_000

KEYS = (
    "name",
    "database_url_env",
    "query",
    "query_file",
    "acts_as",
    "status",
    "reason",
    "timeout_seconds",
)
# Names are typed on the command line and in a systemd unit's name
# (strategy-portal-pull-results@NAME.timer): letters, digits, - and _.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,59}", re.ASCII)
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,199}", re.ASCII)


class FeedProblem(Exception):
    """The feed cannot go ahead; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class Source:
    name: str
    database_url_env: str
    query: str
    acts_as: str
    submit: bool
    reason: str = ""
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS
    # Where the query came from, as the file says ("" when written in the file).
    query_file: str = ""

    @property
    def status(self) -> str:
        return SUBMITTED if self.submit else DRAFT


def sources_file() -> Path | None:
    """The configured sources file (a relative path is from the project's folder),
    or None when no sources are configured."""
    configured = (getattr(settings, "WAREHOUSE_SOURCES_FILE", "") or "").strip()
    if not configured:
        return None
    path = Path(configured).expanduser()
    return path if path.is_absolute() else Path(settings.BASE_DIR) / path


def load_sources(path: Path | None = None) -> dict[str, Source]:
    """Every source in the file, by name, in the file's order; {} when none is
    configured. A `FeedProblem` for anything wrong in it."""
    path = path or sources_file()
    if path is None:
        return {}
    where = str(path)
    if not path.is_file():
        raise FeedProblem(
            f"The warehouse sources file {where} does not exist. Create it, or correct "
            "WAREHOUSE_SOURCES_FILE (see docs/warehouse-feed.md)."
        )
    data = _parsed_yaml(path, where)
    if data is None:
        return {}
    if not isinstance(data, dict) or set(data) - {"sources"}:
        raise FeedProblem(
            f"{where}: the file must hold one key, sources, with a list of sources under it "
            "(see docs/warehouse-feed.md)."
        )
    entries = data.get("sources") or []
    if not isinstance(entries, list):
        raise FeedProblem(f"{where}: sources must be a list (each source starts with '- name:').")
    found: dict[str, Source] = {}
    for number, entry in enumerate(entries, start=1):
        source = _source(entry, number, path, where)
        if source.name in found:
            raise FeedProblem(f"{where}: two sources are called {source.name}: rename one.")
        found[source.name] = source
    return found


def find_source(name: str, path: Path | None = None) -> Source:
    sources = load_sources(path)
    if name in sources:
        return sources[name]
    if not sources:
        raise FeedProblem(
            f"There is no source called {name}: no warehouse sources are configured "
            "(set WAREHOUSE_SOURCES_FILE; see docs/warehouse-feed.md)."
        )
    raise FeedProblem(f"There is no source called {name}. The sources are: {', '.join(sources)}.")


def _parsed_yaml(path: Path, where: str):
    if path.stat().st_size > MAX_SOURCES_FILE_BYTES:
        raise FeedProblem(
            f"{where} is larger than {MAX_SOURCES_FILE_BYTES // 1024 // 1024} MB: a sources "
            "file lists a few queries; keep long queries in their own files (query_file)."
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FeedProblem(f"{where} is not UTF-8 text: save it as UTF-8.") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise FeedProblem(f"{where} is not valid YAML{at}: {problem}.") from None


def _source(entry, number: int, path: Path, where: str) -> Source:
    if not isinstance(entry, dict):
        raise FeedProblem(
            f"{where}: source {number} is not a set of keys (name:, database_url_env:, …)."
        )
    raw_name = entry.get("name")
    if not isinstance(raw_name, str) or not _NAME.fullmatch(raw_name):
        raise FeedProblem(
            f"{where}: source {number} needs a name of letters, digits, - and _ "
            "(at most 60 characters), e.g. name: community-waiting-times."
        )
    name = raw_name

    def problem(key: str, message: str) -> FeedProblem:
        return FeedProblem(f"{where}, source {name}, {key}: {message}.")

    unknown = [str(key) for key in entry if key not in KEYS]
    if unknown:
        raise FeedProblem(
            f"{where}, source {name}: unknown key{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(unknown)}. A source has the keys {', '.join(KEYS)}."
        )
    env_name = _text(entry, "database_url_env", problem, required=True)
    if "://" in env_name:
        raise problem(
            "database_url_env",
            "give the name of the environment variable that holds the database URL, not "
            "the URL itself (keep passwords out of this file)",
        )
    if not _ENV_NAME.fullmatch(env_name):
        raise problem(
            "database_url_env",
            f"{env_name} is not an environment variable’s name, e.g. WAREHOUSE_URL",
        )
    query, query_file = _query(entry, path, problem)
    acts_as = _text(entry, "acts_as", problem, required=True)
    status = _text(entry, "status", problem) or DRAFT
    if status not in (DRAFT, SUBMITTED):
        raise problem("status", f"write {DRAFT} or {SUBMITTED}, not {status}")
    reason = plain_text(_text(entry, "reason", problem)).strip()
    if message := reason_problem(reason):
        raise problem("reason", message)
    return Source(
        name=name,
        database_url_env=env_name,
        query=query,
        acts_as=acts_as,
        submit=status == SUBMITTED,
        reason=reason,
        timeout_seconds=_timeout(entry, problem),
        query_file=query_file,
    )


def _text(entry: dict, key: str, problem, *, required: bool = False) -> str:
    value = entry.get(key)
    if value is None:
        if required:
            raise problem(key, "missing")
        return ""
    if not isinstance(value, str):
        raise problem(key, "must be text (put it in quotes)")
    if required and not value.strip():
        raise problem(key, "empty")
    return value.strip()


def _query(entry: dict, path: Path, problem) -> tuple[str, str]:
    """(the SQL, the query_file as written or "")."""
    has_query, has_file = entry.get("query") is not None, entry.get("query_file") is not None
    if has_query == has_file:
        raise problem(
            "query",
            "give the SQL in query, or the name of a file holding it in query_file "
            "(one of the two)",
        )
    if has_query:
        query = _text(entry, "query", problem, required=True)
        name = ""
    else:
        name = _text(entry, "query_file", problem, required=True)
        query_path = path.parent / Path(name).expanduser()
        if not query_path.is_file():
            raise problem("query_file", f"there is no file {query_path}")
        if query_path.stat().st_size > MAX_QUERY_CHARACTERS * 4:
            raise problem("query_file", f"{query_path} is too large to be a query")
        try:
            query = query_path.read_text(encoding="utf-8").strip()
        except UnicodeDecodeError:
            raise problem("query_file", f"{query_path} is not UTF-8 text") from None
        if not query:
            raise problem("query_file", f"{query_path} is empty")
    if len(query) > MAX_QUERY_CHARACTERS:
        raise problem("query", f"the query is longer than {MAX_QUERY_CHARACTERS:,} characters")
    return query, name


def _timeout(entry: dict, problem) -> int:
    value = entry.get("timeout_seconds")
    if value is None:
        return DEFAULT_TIMEOUT_SECONDS
    if isinstance(value, bool) or not isinstance(value, int):
        raise problem("timeout_seconds", "must be a whole number of seconds, e.g. 120")
    if not 1 <= value <= MAX_TIMEOUT_SECONDS:
        raise problem("timeout_seconds", f"must be from 1 to {MAX_TIMEOUT_SECONDS:,} seconds")
    return value
