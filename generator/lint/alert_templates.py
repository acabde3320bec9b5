"""Alert labels and annotations are Go templates that Prometheus parses when it loads the rules: one `{{` that is
not a template (a label value, a URL) makes promtool refuse the whole rule file. Every text a spec puts into an
alerting rule is parsed here by promtool, as Prometheus will, and reported at its spec line."""

from collections.abc import Iterator

from .. import promtool
from ..document import Document, Spec, SpecPath
from ..findings import Finding
from ..model import Project

ID = "alert-template"
_LINKS = ("runbook", "dashboard")
_SYMPTOM_TEXTS = ("summary", "description", *_LINKS)


def check(project: Project) -> Iterator[Finding]:
    texts = [t for service in project.services for d in service.documents for t in spec_texts(d) if "{{" in t[3]]
    if not texts:
        return
    try:
        errors = promtool.check_templates([(kind, text) for _document, _path, kind, text in texts])
    except promtool.PromtoolMissing as err:
        yield texts[0][0].finding(texts[0][1], str(err), ID)
        return
    for index, message in sorted(errors.items()):
        document, path, kind, text = texts[index]
        yield document.finding(
            path,
            f"{text!r} is not a valid Prometheus template ({message}): Prometheus expands {{{{ … }}}} in alert "
            f'{kind}s; fix the template, or write a literal {{{{ as {{{{ "{{{{" }}}}',
            ID,
        )


def spec_texts(document: Document) -> Iterator[tuple[Document, SpecPath, str, str]]:
    """(document, path, "label" or "annotation", text) of every text the spec puts into an alerting rule as written.
    SLO `labels` go onto recorded series only, which Prometheus does not expand; selectors and probe check names that
    alert texts quote are escaped by the renderer (annotations.Values.literal)."""
    data = document.data
    yield from _mapping(document, ("labels",), data.get("labels", {}), "label")
    if "url" in data.get("dashboard", {}):
        yield document, ("dashboard", "url"), "annotation", data["dashboard"]["url"]
    yield from _alerting(document, ("alerting",), data.get("alerting", {}))
    for index, slo in enumerate(data.get("slos", [])):
        yield from _alerting(document, ("slos", index, "alerting"), slo.get("alerting", {}))
        for entry, priority in enumerate(slo["sli"].get("probe", {}).get("priorities", [])):
            match: SpecPath = ("slos", index, "sli", "probe", "priorities", entry, "match")
            yield from _mapping(document, match, priority["match"], "label")  # strike alerts carry the match labels
    for index, alert in enumerate(data.get("alerts", [])):
        at: SpecPath = ("alerts", index)
        yield from _mapping(document, (*at, "labels"), alert.get("labels", {}), "label")
        yield from _mapping(document, (*at, "annotations"), alert.get("annotations", {}), "annotation")
        yield from _texts(document, at, alert, _SYMPTOM_TEXTS)


def _alerting(document: Document, at: SpecPath, alerting: Spec) -> Iterator[tuple[Document, SpecPath, str, str]]:
    yield from _mapping(document, (*at, "labels"), alerting.get("labels", {}), "label")
    yield from _mapping(document, (*at, "annotations"), alerting.get("annotations", {}), "annotation")
    yield from _texts(document, at, alerting, _LINKS)


def _mapping(
    document: Document, at: SpecPath, mapping: dict[str, str], kind: str
) -> Iterator[tuple[Document, SpecPath, str, str]]:
    for key, text in mapping.items():
        yield document, (*at, key), kind, text


def _texts(
    document: Document, at: SpecPath, spec: Spec, keys: tuple[str, ...]
) -> Iterator[tuple[Document, SpecPath, str, str]]:
    for key in keys:
        if key in spec:
            yield document, (*at, key), "annotation", spec[key]
