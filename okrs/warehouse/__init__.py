"""The warehouse feed: results read from the Trust's data warehouse by a configured
SQL query and saved through the same planner as the upload page
(`manage.py pull_results SOURCE`; docs/warehouse-feed.md).

- `sources`: the sources file (YAML), read and checked, saying plainly what is wrong.
- `querying`: a read-only connection to a source's database, and its rows as the
  upload's `FileRow`s.
- `feed`: planning and saving the rows (all or nothing), and the e-mail asking a
  unit's leads to check and submit the drafts the feed saved.

Whatever cannot go ahead is a `FeedProblem` whose message says what to do.
"""

from okrs.warehouse.feed import FeedRun, LeadEmail, pull
from okrs.warehouse.querying import fetch_rows, read_only_connection
from okrs.warehouse.sources import FeedProblem, Source, find_source, load_sources

__all__ = [
    "FeedProblem",
    "FeedRun",
    "LeadEmail",
    "Source",
    "fetch_rows",
    "find_source",
    "load_sources",
    "pull",
    "read_only_connection",
]
