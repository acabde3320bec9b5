"""A runbook URL under `runbooks.base_url` names a page slogen writes (output/docs/runbooks/<page>.md): the page
must have a name a page can carry, and text, or the on-call engineer who follows the link at 3 a.m. finds
only the alert's own description."""

from collections.abc import Iterator

from ..document import Document, SpecPath
from ..findings import WARNING, Finding
from ..model import Project
from ..runbooks import Runbooks

ID = "runbook-page"


def check(project: Project) -> Iterator[Finding]:
    runbooks = project.runbooks
    if runbooks is None or runbooks.base_url is None:
        return
    for service in project.services:
        for document in service.documents:
            for path, url in runbook_urls(document):
                yield from _check(runbooks, document, path, url)


def _check(runbooks: Runbooks, document: Document, path: SpecPath, url: str) -> Iterator[Finding]:
    slug = runbooks.below(url)
    if slug is None:
        return
    if runbooks.slug(url) is None:
        yield document.finding(
            path,
            f"{url} is under runbooks.base_url, so it names the page {slug!r}, which is not a page name slogen "
            f"writes; use {runbooks.base_url}<page> with a page of lower-case letters, digits and dashes",
            ID,
            WARNING,  # something else may serve it; slogen's pages cannot
        )
    elif runbooks.page(slug) is None:
        yield document.finding(
            path,
            f"the runbook page {slug!r} has no text: its generated page lists the alerts only; write it in "
            f"runbooks.pages.{slug}.text",
            ID,
            WARNING,
        )


def runbook_urls(document: Document) -> Iterator[tuple[SpecPath, str]]:
    """Every runbook URL a spec file writes, with its path: the service's alerting, each SLO's, each alert's."""
    data = document.data
    if "runbook" in data.get("alerting", {}):
        yield ("alerting", "runbook"), data["alerting"]["runbook"]
    for index, slo in enumerate(data.get("slos", [])):
        if "runbook" in slo.get("alerting", {}):
            yield ("slos", index, "alerting", "runbook"), slo["alerting"]["runbook"]
    for index, alert in enumerate(data.get("alerts", [])):
        if "runbook" in alert:
            yield ("alerts", index, "runbook"), alert["runbook"]
