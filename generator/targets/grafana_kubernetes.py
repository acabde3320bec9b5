"""What the two Kubernetes packagings of the dashboards share (grafana_sidecar.py, grafana_operator.py): each
dashboard exactly as output/grafana/dashboards/ holds it, object metadata, the size limits the API server
enforces, and the checks of written objects against the vendored schemas (generator/schema/kubernetes/)."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .. import kubernetes, testplan
from ..deploy import Pairs
from ..findings import Finding
from ..fleet import Fleet
from ..model import Service
from ..render.dashboards import DETAIL_FILE, OVERVIEW_FILE
from ..write import OutputFile, serialise
from . import grafana
from .base import RenderError, RenderOptions

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # PyYAML without libyaml: same documents, slower
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Object = dict[str, Any]

SCHEMAS = Path(__file__).resolve().parent.parent / "schema" / "kubernetes"
KUSTOMIZATION = "kustomization.yaml"
OVERVIEW_STEM = OVERVIEW_FILE.removesuffix(".json")
DETAIL_STEM = DETAIL_FILE.removesuffix(".json")
DASHBOARD_CRD = "grafana.integreatly.org_grafanadashboards.yaml"
OVERVIEW_NAME = "slogen-overview"  # a service's object is slogen-dashboard-<service>, so none can take it
DETAIL_NAME = "slogen-slo-detail"
# A ConfigMap's data and binaryData values may hold MaxSecretSize = 1 MiB between them (kubernetes
# pkg/apis/core/validation/validation.go, ValidateConfigMap); the rest of the object does not count.
MAX_DATA_BYTES = 1024 * 1024
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_CONFIGMAP_KEY = re.compile(r"[-._a-zA-Z0-9]+")  # apimachinery IsConfigMapKey, at most 253


@dataclass(frozen=True)
class Dashboard:
    """One dashboard as the plain file holds it, and what its Kubernetes object is called."""

    stem: str  # output/grafana/dashboards/<stem>.json: the service's name, or slogen_overview
    name: str  # metadata.name of its object
    text: str  # that file's content, byte for byte
    sources: tuple[str, ...]
    finding: Callable[[str, str], Finding]  # (message, rule) → a finding about it, at its service or the targets


def service_dashboard(service: Service, options: RenderOptions) -> Dashboard:
    text, sources = _service_plain(service, options)
    finding = partial(service.documents[0].finding, ("service",))
    return Dashboard(service.name, f"slogen-dashboard-{service.name}", text, sources, finding)


@lru_cache(maxsize=16)  # the sidecar's ConfigMap and the operator's GrafanaDashboard embed the same file
def _service_plain(service: Service, options: RenderOptions) -> tuple[str, tuple[str, ...]]:
    return _plain(service.name, grafana.service_files(service, options))


def project_dashboards(fleet: Fleet, options: RenderOptions, target: str) -> list[Dashboard]:
    """The fleet overview and the SLO detail dashboard. Findings point at the `targets` section, or at the first
    service when --target chose the target."""
    documents = fleet.sections.deploy.documents
    finding = (
        partial(documents[0].finding, ("targets", target)) if documents else partial(fleet.services[0].finding, ())
    )
    files = grafana.project_files(fleet, options)
    found = []
    for stem, name in ((OVERVIEW_STEM, OVERVIEW_NAME), (DETAIL_STEM, DETAIL_NAME)):
        text, sources = _plain(stem, files)
        found.append(Dashboard(stem, name, text, sources, finding))
    return found


def _plain(stem: str, files: list[OutputFile]) -> tuple[str, tuple[str, ...]]:
    """The plain target's file for `stem`, serialised by the writer itself, so the copies cannot drift from it."""
    file = next(f for f in files if f.path == f"{grafana.DASHBOARDS_DIR}/{stem}.json")
    return serialise(file).decode("utf-8"), file.sources


def metadata(name: str, namespace: str, labels: Pairs, annotations: Pairs) -> Object:
    """Later pairs win: the target's own label (the sidecar's selector) over the spec's labels."""
    return kubernetes.metadata(name, namespace, dict(labels), dict(annotations))


def object_json(obj: Object) -> str:
    """The object as kubectl sends it, client-side apply copies it and the API server stores a custom resource:
    compact JSON escaped as Go's encoding/json escapes (<, > and & as \\u003c…, and the two Unicode line
    separators), which kubernetes.compact_size leaves out: a dashboard's PromQL and links hold many of them."""
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def object_bytes(obj: Object) -> int:
    return len(object_json(obj).encode("utf-8"))


def last_applied_bytes(obj: Object) -> int:
    """What client-side `kubectl apply` (and `create --save-config`) puts in the object's annotations: its own,
    plus the last-applied-configuration copy of the whole object, which holds an empty annotations map when the
    object had none, and ends with the newline Go's Encoder writes. kubectl 1.32 writes exactly this many bytes
    (tests/test_target_grafana_kubernetes.py)."""
    annotations = obj["metadata"].get("annotations") or {}
    copy = {**obj, "metadata": {**obj["metadata"], "annotations": annotations}}
    own = sum(len(k.encode()) + len(v.encode()) for k, v in annotations.items())
    return own + len(LAST_APPLIED) + object_bytes(copy) + 1


def refuse_oversize(dashboard: Dashboard, what: str, size: int, limit: str) -> None:
    """A RenderError naming the object, its size and the limit, when `size` passes kubernetes.MAX_OBJECT_BYTES."""
    if size <= kubernetes.MAX_OBJECT_BYTES:
        return
    plain = len(dashboard.text.encode())
    raise RenderError(
        dashboard.finding(
            f"the {what} {dashboard.name} would hold {size:,} bytes, over {limit} "
            f"({kubernetes.MAX_OBJECT_BYTES:,} bytes), so Kubernetes would refuse it: the dashboard "
            f"{dashboard.stem}.json is {plain:,} bytes; split the service's SLOs over two services "
            "or drop panels from its `dashboard.rows`",
            "kubernetes-size",
        )
    )


def project_files(
    fleet: Fleet, options: RenderOptions, target: str, suffix: str, file: Callable[[Dashboard], OutputFile]
) -> list[OutputFile]:
    """The objects of the overview and the detail dashboard (`file` packages a dashboard), and the
    kustomization.yaml that lists every object of the target's directory, so `kubectl apply --server-side -k
    <directory>` applies exactly them."""
    shared = project_dashboards(fleet, options, target)
    names = [f"{service.name}{suffix}" for service in fleet.services] + [f"{d.stem}{suffix}" for d in shared]
    data = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": sorted(names)}
    kustomization = OutputFile(f"kubernetes/{target}/{KUSTOMIZATION}", data, shared[0].sources)
    return [*(file(d) for d in shared), kustomization]


# --- validation against the vendored schemas ------------------------------------------------------------


@cache
def _configmap_schema() -> Object:
    schema: Object = json.loads((SCHEMAS / "configmap-v1.json").read_text(encoding="utf-8"))
    return schema


@cache
def dashboard_schema() -> Object:
    """The GrafanaDashboard CRD's v1beta1 openAPIV3Schema with the API server's semantics (kubernetes.structural:
    unknown fields are errors, as under kubectl's default --validate=strict), and ObjectMeta's schema for
    metadata, which the CRD leaves to the API server."""
    crd = yaml.load((SCHEMAS / DASHBOARD_CRD).read_text(encoding="utf-8"), Loader=_Loader)
    served = next(v for v in crd["spec"]["versions"] if v["name"] == "v1beta1")
    schema = kubernetes.structural(served["schema"]["openAPIV3Schema"])
    schema["properties"]["metadata"] = _configmap_schema()["properties"]["metadata"]
    return schema


def _validator(obj: Object) -> jsonschema.protocols.Validator | None:
    kind = (obj.get("apiVersion"), obj.get("kind"))
    if kind == ("v1", "ConfigMap"):
        return jsonschema.Draft7Validator(_configmap_schema())
    if kind == ("grafana.integreatly.org/v1beta1", "GrafanaDashboard"):
        return jsonschema.Draft7Validator(dashboard_schema())
    return None


def object_errors(obj: Any) -> list[str]:
    """Every reason the API server would refuse `obj` that slogen can check offline: the vendored schema, the
    metadata syntax of names, labels and annotations, and the size limits."""
    if not isinstance(obj, dict):
        return ["not a Kubernetes object (a mapping)"]
    validator = _validator(obj)
    if validator is None:
        return [f"no vendored schema for apiVersion {obj.get('apiVersion')!r}, kind {obj.get('kind')!r}"]
    errors = [
        f"{'.'.join(str(p) for p in e.absolute_path) or '(object)'}: {e.message[:300]}"
        for e in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path)))
    ]
    return errors or kubernetes.metadata_problems(obj) + _size_errors(obj)


def _size_errors(obj: Object) -> list[str]:
    if obj["kind"] != "ConfigMap":
        size = object_bytes(obj)
        return (
            [f"(object): {size:,} bytes of JSON, over {kubernetes.MAX_OBJECT_BYTES:,}"]
            if size > kubernetes.MAX_OBJECT_BYTES
            else []
        )
    data = obj.get("data") or {}
    errors = [
        f"data: {key!r} is not a ConfigMap key"
        for key in data
        if not (len(key) <= 253 and _CONFIGMAP_KEY.fullmatch(key))
    ]
    size = sum(len(v.encode()) for v in data.values() if isinstance(v, str))
    if size > MAX_DATA_BYTES:
        errors.append(f"data: {size:,} bytes, over a ConfigMap's {MAX_DATA_BYTES:,}")
    return errors


# --- `slogen test` --------------------------------------------------------------------------------------

# (the object file's stem, the object) → {dashboard file name: its embedded JSON text}
Embedded = Callable[[str, Object], dict[str, Any]]


def checks(out: Path, target: str, suffix: str, embedded: Embedded) -> list[testplan.Step]:
    """One step for a target's directory under output/kubernetes/, if it exists: every object valid, the
    kustomization naming exactly the objects, each embedded dashboard valid JSON and equal to its plain file."""
    directory = out / "kubernetes" / target
    if not directory.is_dir():
        return []
    count = len(list(directory.glob(f"*{suffix}")))
    what = f"{target}: {count} object(s) against the vendored schemas"
    return [testplan.Step("jsonschema", what, partial(check_directory, directory, out, suffix, embedded))]


def check_directory(directory: Path, out: Path, suffix: str, embedded: Embedded) -> testplan.Outcome:
    files = sorted(directory.glob(f"*{suffix}"))
    problems = [f"{file}: {problem}" for file in files for problem in _file_problems(file, out, suffix, embedded)]
    listed = _kustomization_resources(directory / KUSTOMIZATION)
    if listed != sorted(f.name for f in files):
        problems.append(f"{directory / KUSTOMIZATION}: resources {listed} are not the objects in the directory")
    failed = sum(any(p.startswith(f"{file}: ") for p in problems) for file in files)
    return testplan.Outcome(not problems, len(files), "".join(f"{p}\n" for p in problems), failed)


def _kustomization_resources(path: Path) -> list[str] | None:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError):
        return None
    resources = data.get("resources") if isinstance(data, dict) else None
    return sorted(resources) if isinstance(resources, list) else None


def _file_problems(file: Path, out: Path, suffix: str, embedded: Embedded) -> list[str]:
    try:
        obj = yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as err:
        return [f"not YAML: {str(err).splitlines()[0]}"]
    problems = object_errors(obj)
    if problems:
        return problems
    for name, text in embedded(file.name.removesuffix(suffix), obj).items():
        problems += _embedded_problems(name, text, out / grafana.DASHBOARDS_DIR / name)
    return problems


def _embedded_problems(name: str, text: Any, plain: Path) -> list[str]:
    if not isinstance(text, str):
        return [f"{name}: the dashboard is not a string"]
    try:
        json.loads(text)
    except ValueError as err:
        return [f"{name}: the dashboard is not valid JSON ({err})"]
    if plain.is_file() and plain.read_text(encoding="utf-8") != text:
        return [f"{name}: the dashboard differs from {plain}"]
    return []
