"""The runbooks model: where the runbook pages are published, their text, and each priority's response times,
built from a spec's schema-valid `runbooks` block.

Project-wide, like routing: one spec holds it, and every service's alerts link to its pages. A runbook URL
`<base_url><page>` names the page slogen writes as output/docs/runbooks/<page>.md, so the URL in an alert and
the file that answers it cannot drift apart.
"""

import re
from dataclasses import dataclass

from .document import Spec
from .durations import parse_duration
from .source import Source, SpecError

PAGES_DIR = "runbooks"  # under output/docs/
PAGE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")  # the schema's slug, which runbooks.pages keys must be


@dataclass(frozen=True)
class PriorityTimes:
    """One priority of the incident policy (launch document, "Incident Response"), in seconds."""

    priority: str
    title: str | None
    response: int
    escalation: int  # 0: the team is notified at once
    recovery: int


@dataclass(frozen=True)
class RunbookPage:
    slug: str
    title: str | None
    text: str  # Markdown, written verbatim
    source: Source


@dataclass(frozen=True)
class Runbooks:
    base_url: str | None
    priorities: tuple[PriorityTimes, ...]
    pages: tuple[RunbookPage, ...]
    source: Source

    def below(self, url: str | None) -> str | None:
        """A runbook URL's path below base_url; None for a URL elsewhere."""
        if url is None or self.base_url is None or not url.startswith(self.base_url):
            return None
        return url[len(self.base_url) :].rstrip("/") or None

    def slug(self, url: str | None) -> str | None:
        """The page a runbook URL names; None for a URL slogen does not publish (lint runbook-page says why)."""
        below = self.below(url)
        return below if below is not None and PAGE_NAME.match(below) else None

    def page(self, slug: str) -> RunbookPage | None:
        return next((p for p in self.pages if p.slug == slug), None)

    def times(self, priority: str) -> PriorityTimes | None:
        return next((p for p in self.priorities if p.priority == priority), None)


def build(spec: Spec, source: Source) -> Runbooks:
    """Raises SpecError for a duration the schema admits but a time cannot be (0 response or recovery)."""
    priorities = tuple(
        _priority(name, body, source.at("priorities", name))
        for name, body in sorted(spec.get("priorities", {}).items())
    )
    pages = tuple(
        RunbookPage(slug, body.get("title"), body["text"], source.at("pages", slug))
        for slug, body in sorted(spec.get("pages", {}).items())
    )
    return Runbooks(spec.get("base_url"), priorities, pages, source)


def _priority(name: str, body: Spec, source: Source) -> PriorityTimes:
    def seconds(key: str, allow_zero: bool = False) -> int:
        try:
            return parse_duration(body[key], allow_zero)
        except ValueError as err:
            raise SpecError(source, (key,), str(err)) from None

    # Escalation may be 0, "immediate team notification"; a 0 response or recovery time is a typo.
    return PriorityTimes(
        name, body.get("title"), seconds("response"), seconds("escalation", allow_zero=True), seconds("recovery")
    )
