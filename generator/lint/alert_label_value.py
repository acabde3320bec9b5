"""A label template that prints the alert's value ($value, .Value): labels are the alert's identity, so every new
value is a new alert. Prometheus resolves the old one and fires the new one at each change; the alert flaps and
never resolves cleanly (pint's alerts/template check calls this a bug). Values belong in annotations."""

import re
from collections.abc import Iterator

from ..findings import Finding
from ..model import Project
from .alert_templates import spec_texts

ID = "alert-label-value"
_VALUE = re.compile(r"\{\{[^}]*?(\$value|\.Value)\b")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')  # a literal "$value" prints those characters


def check(project: Project) -> Iterator[Finding]:
    for service in project.services:
        for document in service.documents:
            for _document, path, kind, text in spec_texts(document):
                if kind == "label" and _VALUE.search(_STRING.sub('""', text)):
                    yield document.finding(
                        path,
                        f"label {path[-1]}: {text!r} prints the alert's value: every new value makes a new alert, "
                        "so it flaps and never resolves cleanly; move it to an annotation "
                        "(alerting.annotations, or an alert's annotations)",
                        ID,
                    )
