"""Kubernetes objects as plain data, and their validation against the vendored CRDs (schema/kubernetes/).

A CRD's `openAPIV3Schema` is a structural OpenAPI v3 schema, close to JSON Schema but not the same. The API server
(apiextensions-apiserver) adds what JSON Schema lacks, and so does `structural()` below:
- unknown fields: the server prunes them, and `kubectl apply` (field validation "Strict" by default since
  Kubernetes 1.27) refuses them, so an object with `properties` and no `additionalProperties` gets
  `additionalProperties: false`, unless it says `x-kubernetes-preserve-unknown-fields`;
- `nullable: true` admits null; `x-kubernetes-int-or-string` and `format: int-or-string` admit an integer or a
  string;
- `x-kubernetes-list-type: map` (unique items by `x-kubernetes-list-map-keys`) and `set` (unique items) are
  checked by their own keyword;
- patterns are Go RE2: a `(?i)` flag inside a group applies to the rest of that group, which Python spells
  `(?i:...)`.
Metadata is `type: object` in every CRD: the API server checks it itself, so `metadata_problems` does (names,
label and annotation syntax, the annotation size limit), and `size_problems` keeps objects under etcd's limit.
"""

import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import yaml

JSON = dict[str, Any]

MANAGED_BY = ("app.kubernetes.io/managed-by", "slogen")
# Kubernetes refuses objects over 1.5 MiB (etcd's request limit), and its docs keep ConfigMaps and the like under
# 1 MiB; we hold every object to 1 MiB.
MAX_OBJECT_BYTES = 1024 * 1024
# apimachinery ValidateAnnotations (TotalAnnotationSizeLimitB): keys and values of all annotations, at most 256 KiB.
MAX_ANNOTATIONS_BYTES = 256 * 1024

_DNS_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS_SUBDOMAIN = re.compile(rf"^{_DNS_LABEL}(\.{_DNS_LABEL})*$")
_QUALIFIED_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")


def kube_object(api_version: str, kind: str, metadata: JSON, spec: JSON) -> JSON:
    return {"apiVersion": api_version, "kind": kind, "metadata": metadata, "spec": spec}


def metadata(name: str, namespace: str, labels: dict[str, str], annotations: dict[str, str]) -> JSON:
    meta: JSON = {"name": name, "namespace": namespace, "labels": dict(sorted(labels.items()))}
    if annotations:
        meta["annotations"] = dict(sorted(annotations.items()))
    return meta


# Go's encoding/json (kubectl, the API server) escapes these; PromQL's comparisons hold many `>` and `<`.
_GO_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def compact_json(obj: JSON) -> str:
    """The object as compact JSON, escaped as Go escapes it: what the API server stores, and what client-side
    `kubectl apply` copies into the kubectl.kubernetes.io/last-applied-configuration annotation."""
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    for raw, escaped in _GO_ESCAPES:
        text = text.replace(raw, escaped)
    return text


def compact_size(obj: JSON) -> int:
    return len(compact_json(obj).encode("utf-8"))


# ---- validation ------------------------------------------------------------------------------------------------


CRD_FILES = {
    ("monitoring.coreos.com/v1", "PrometheusRule"): "monitoring.coreos.com_prometheusrules.yaml",
    ("monitoring.coreos.com/v1alpha1", "AlertmanagerConfig"): "monitoring.coreos.com_alertmanagerconfigs.yaml",
}


class _CRDLoader(yaml.SafeLoader):
    """YAML 1.1 reads a plain `=` (the matchType enum's) as the `value` key tag; Kubernetes' YAML reads a string."""


def _plain_string(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    assert isinstance(node, yaml.ScalarNode)
    return loader.construct_scalar(node)


_CRDLoader.add_constructor("tag:yaml.org,2002:value", _plain_string)


@cache
def crd_schema(api_version: str, kind: str) -> JSON:
    """The JSON Schema of one kind, from the vendored CRD's openAPIV3Schema for that version."""
    text = resources.files("generator.schema").joinpath("kubernetes", CRD_FILES[(api_version, kind)]).read_text()
    crd = yaml.load(text, Loader=_CRDLoader)
    version = api_version.split("/")[1]
    served = next(v for v in crd["spec"]["versions"] if v["name"] == version)
    schema = structural(served["schema"]["openAPIV3Schema"])
    if kind == "AlertmanagerConfig":
        # The CRD leaves child routes unchecked (x-kubernetes-preserve-unknown-fields); the operator parses each into
        # the same Route type as the top route (Route.ChildRoutes) and rejects the object if that fails.
        route = schema["properties"]["spec"]["properties"]["route"]
        route["properties"]["routes"]["items"] = {"$ref": "#/properties/spec/properties/route"}
    return schema


def structural(schema: JSON) -> JSON:
    """One schema node (and the nodes under it) as JSON Schema with the API server's semantics."""
    out: JSON = dict(schema)
    if "properties" in out:
        out["properties"] = {name: structural(node) for name, node in out["properties"].items()}
    for key in ("items", "additionalProperties", "not"):
        if isinstance(out.get(key), dict):
            out[key] = structural(out[key])
    for key in ("anyOf", "allOf", "oneOf"):
        if key in out:
            out[key] = [structural(node) for node in out[key]]
    if out.pop("nullable", False) and "type" in out:
        out["type"] = [out["type"], "null"]
    if out.get("x-kubernetes-int-or-string") or out.get("format") == "int-or-string":
        out.pop("format", None)
        if "anyOf" not in out:
            out["type"] = ["integer", "string"]
    if "pattern" in out:
        out["pattern"] = go_pattern(out["pattern"])
    preserve = out.get("x-kubernetes-preserve-unknown-fields")
    if "properties" in out and "additionalProperties" not in out and not preserve:
        out["additionalProperties"] = False
    return out


def go_pattern(pattern: str) -> str:
    """An RE2 pattern in Python's syntax: `((?i)a|b)` (case-insensitive to the group's end) becomes `((?i:a|b))`."""
    start = pattern.find("(?i)", 1)
    while start > 0:
        depth, end = 0, start + 4
        while end < len(pattern) and not (pattern[end] == ")" and depth == 0):
            depth += {"(": 1, ")": -1}.get(pattern[end], 0)
            end += 1
        pattern = pattern[:start] + "(?i:" + pattern[start + 4 : end] + ")" + pattern[end:]
        start = pattern.find("(?i)", start + 1)
    return pattern


def _list_type(validator: Any, list_type: str, instance: Any, schema: JSON) -> Iterator[jsonschema.ValidationError]:
    if not isinstance(instance, list):
        return
    if list_type == "map":
        keys = schema.get("x-kubernetes-list-map-keys", [])
        seen = [json.dumps([item.get(k) for k in keys]) for item in instance if isinstance(item, dict)]
    elif list_type == "set":
        seen = [json.dumps(item, sort_keys=True) for item in instance]
    else:
        return
    duplicates = sorted({item for item in seen if seen.count(item) > 1})
    if duplicates:
        yield jsonschema.ValidationError(f"duplicate entries in a list of type {list_type}: {', '.join(duplicates)}")


_Validator = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft7Validator, {"x-kubernetes-list-type": _list_type}
)


def schema_problems(obj: JSON) -> list[str]:
    """Where the object breaks its CRD's schema, one line each; [] for an object that validates."""
    key = (obj.get("apiVersion"), obj.get("kind"))
    if key not in CRD_FILES:
        return [f"no vendored CRD for apiVersion {key[0]}, kind {key[1]}"]
    validator = _Validator(crd_schema(*key))
    return [
        f"{'.'.join(map(str, error.absolute_path)) or '(object)'}: {error.message}"
        for error in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path)))
    ]


def metadata_problems(obj: JSON) -> list[str]:
    """What the API server's own metadata validation would refuse (apimachinery ValidateObjectMeta)."""
    meta = obj.get("metadata") or {}
    problems = []
    name, namespace = meta.get("name", ""), meta.get("namespace", "")
    if not (len(name) <= 253 and _DNS_SUBDOMAIN.match(name)):
        problems.append(f"metadata.name {name!r}: not a DNS-1123 subdomain (lower-case alphanumerics, '-', '.')")
    if not (len(namespace) <= 63 and re.fullmatch(_DNS_LABEL, namespace)):
        problems.append(f"metadata.namespace {namespace!r}: not a DNS-1123 label (at most 63 characters)")
    for key, value in (meta.get("labels") or {}).items():
        problems.extend(_qualified_name_problems("label", key))
        if not (isinstance(value, str) and len(value) <= 63 and (value == "" or _QUALIFIED_NAME.match(value))):
            problems.append(f"metadata.labels.{key}: value {value!r} is not a valid label value")
    annotations = meta.get("annotations") or {}
    for key in annotations:
        problems.extend(_qualified_name_problems("annotation", key))
    if sum(len(k) + len(str(v)) for k, v in annotations.items()) > MAX_ANNOTATIONS_BYTES:
        problems.append("metadata.annotations: more than 256 KiB in total")
    return problems


def _qualified_name_problems(what: str, key: str) -> list[str]:
    prefix, _, name = key.rpartition("/")
    if prefix and not (len(prefix) <= 253 and _DNS_SUBDOMAIN.match(prefix)):
        return [f"{what} {key!r}: prefix {prefix!r} is not a DNS-1123 subdomain"]
    if not (len(name) <= 63 and _QUALIFIED_NAME.match(name)):
        return [
            f"{what} {key!r}: name part must be at most 63 alphanumerics, '-', '_' or '.', alphanumeric at both ends"
        ]
    return []


def size_problems(obj: JSON, limit: int = MAX_OBJECT_BYTES) -> list[str]:
    size = compact_size(obj)
    return [f"object is {size} bytes as JSON, over the {limit} byte limit"] if size > limit else []


def problems(obj: JSON) -> list[str]:
    """Every reason the API server would refuse the object: schema, metadata and size."""
    return schema_problems(obj) + metadata_problems(obj) + size_problems(obj)
