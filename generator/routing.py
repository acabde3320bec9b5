"""The routing model: how alerts reach people, built from a spec's schema-valid `routing` block.

Project-wide: one spec holds it, and it applies to every service's alerts. Alertmanager facts that
depend on the version (which receivers can read their URL from a file) live here, so the renderer
and the lint rules ask one place.
"""

from dataclasses import dataclass, replace

from .document import Spec
from .durations import parse_duration
from .source import Source, SpecError

DEFAULT_VERSION = "0.25"  # what Debian ships (amtool and prometheus-alertmanager)
DEFAULT_GROUP_BY = ("service", "slo")
DEFAULT_GROUP_WAIT = 30
# "Rate limiting: max 1 alert per 5 minutes" (launch document): Alertmanager sends a group's changes at
# most once per group_interval, so 5m is the limit itself.
DEFAULT_GROUP_INTERVAL = 300
DEFAULT_REPEAT_INTERVAL = 4 * 3600
DEFAULT_LOCATION = "UTC"

# The first Alertmanager version whose config field reads this receiver type's URL from a file
# (checked against the Alertmanager sources): slack `api_url_file` 0.22, webhook `url_file` 0.26,
# discord `webhook_url_file` 0.27.
URL_FILE_SINCE = {"slack": (0, 22), "webhook": (0, 26), "discord": (0, 27)}
# email_configs' `auth_password_file` arrived in 0.25 (prometheus/alertmanager#3038, "SMTP config: add global and
# local password file fields", released in v0.25.0).
PASSWORD_FILE_SINCE = (0, 25)
DISCORD_SINCE = (0, 25)  # discord_configs exist from 0.25, with an inline webhook_url only


def parse_version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


@dataclass(frozen=True)
class Email:
    """An email receiver's fields; the SMTP password only as the file that holds it."""

    to: str
    from_: str
    smarthost: str
    auth_username: str | None
    password_file: str | None


@dataclass(frozen=True)
class Receiver:
    name: str
    type: str  # slack | discord | webhook | email
    url_file: str | None  # None for email
    channel: str | None
    send_resolved: bool
    source: Source
    email: Email | None = None  # email receivers only

    @property
    def secret_file(self) -> str | None:
        """The file that holds this receiver's secret: its URL, or an email receiver's SMTP password."""
        return self.email.password_file if self.email else self.url_file


@dataclass(frozen=True)
class Escalation:
    """Also notify `receivers` about a notification group of the route that still fires `after` seconds after it
    started (the incident policy's "escalate within 1 hour")."""

    after: int
    receivers: tuple[str, ...]


Match = tuple[tuple[str, tuple[str, ...]], ...]  # label → the values any of which matches


@dataclass(frozen=True)
class Route:
    severity: str | None
    priority: str | None
    receivers: tuple[str, ...]
    group_wait: int | None
    repeat_interval: int | None
    mute: tuple[str, ...]
    escalation: Escalation | None
    source: Source
    match: Match = ()  # the route's `match` after its team's
    team: str | None = None  # the team whose routes hold it

    @property
    def conditions(self) -> Match:
        """Every label the route matches on, severity and priority first (the order of its Alertmanager matchers)."""
        fixed = (("severity", self.severity), ("priority", self.priority))
        return tuple((key, (value,)) for key, value in fixed if value is not None) + self.match

    def matches(self, labels: dict[str, str]) -> bool:
        return all(labels.get(key) in values for key, values in self.conditions)

    @property
    def all_receivers(self) -> tuple[str, ...]:
        """Escalation receivers, then the route's own: the order of the generated Alertmanager routes, which is
        the order `amtool config routes test` prints (a depth-first walk of the routing tree)."""
        return (self.escalation.receivers if self.escalation else ()) + self.receivers


@dataclass(frozen=True)
class MaintenanceWindow:
    name: str
    weekdays: tuple[str, ...]
    days_of_month: tuple[str, ...]
    months: tuple[str, ...]
    times: tuple[tuple[str, str], ...]
    location: str
    source: Source


@dataclass(frozen=True)
class Routing:
    version: tuple[int, int]
    default_receiver: str
    group_by: tuple[str, ...]
    group_wait: int
    group_interval: int
    repeat_interval: int
    receivers: tuple[Receiver, ...]
    routes: tuple[Route, ...]  # the teams' routes first, then routing.routes
    maintenance_windows: tuple[MaintenanceWindow, ...]
    source: Source
    teams: tuple[str, ...] = ()

    @property
    def team_routes(self) -> tuple[Route, ...]:
        return tuple(r for r in self.routes if r.team is not None)

    @property
    def version_text(self) -> str:
        return ".".join(map(str, self.version))

    def receiver(self, name: str) -> Receiver | None:
        return next((r for r in self.receivers if r.name == name), None)

    def receivers_for(self, labels: dict[str, str]) -> tuple[str, ...]:
        """Where Alertmanager sends an alert with these labels, escalations included: the first matching route,
        else the default."""
        route = next((r for r in self.routes if r.matches(labels)), None)
        return route.all_receivers if route else (self.default_receiver,)


def _optional_duration(spec: Spec, key: str, source: Source) -> int | None:
    if key not in spec:
        return None
    try:
        # group_wait 0s (and escalate.after 0s, which becomes one) sends a new group's first notification at
        # once; a zero interval is meaningless.
        return parse_duration(spec[key], allow_zero=key in ("group_wait", "after"))
    except ValueError as err:
        raise SpecError(source, (key,), f"{err}") from None


def _duration(spec: Spec, key: str, source: Source, default: int) -> int:
    found = _optional_duration(spec, key, source)
    return default if found is None else found


def build(data: Spec, source: Source) -> Routing:
    """Raises SpecError for values the schema accepts but Alertmanager cannot use (a zero interval)."""
    return Routing(
        version=parse_version(data.get("alertmanager_version", DEFAULT_VERSION)),
        default_receiver=data["default_receiver"],
        group_by=tuple(data.get("group_by", DEFAULT_GROUP_BY)),
        group_wait=_duration(data, "group_wait", source, DEFAULT_GROUP_WAIT),
        group_interval=_duration(data, "group_interval", source, DEFAULT_GROUP_INTERVAL),
        repeat_interval=_duration(data, "repeat_interval", source, DEFAULT_REPEAT_INTERVAL),
        receivers=tuple(_receiver(spec, source.at("receivers", i)) for i, spec in enumerate(data["receivers"])),
        routes=_team_routes(data.get("teams", []), source)
        + tuple(_route(spec, source.at("routes", i)) for i, spec in enumerate(data["routes"])),
        maintenance_windows=tuple(
            maintenance_window(spec, source.at("maintenance_windows", i))
            for i, spec in enumerate(data.get("maintenance_windows", []))
        ),
        source=source,
        teams=tuple(team["name"] for team in data.get("teams", [])),
    )


def _receiver(spec: Spec, source: Source) -> Receiver:
    email = None
    if spec["type"] == "email":
        email = Email(spec["to"], spec["from"], spec["smarthost"], spec.get("auth_username"), spec.get("password_file"))
    return Receiver(
        spec["name"],
        spec["type"],
        spec.get("url_file"),
        spec.get("channel"),
        spec.get("send_resolved", True),
        source,
        email,
    )


def _match(spec: dict[str, str | list[str]] | None) -> Match:
    return tuple((label, (value,) if isinstance(value, str) else tuple(value)) for label, value in (spec or {}).items())


def _team_routes(teams: list[Spec], source: Source) -> tuple[Route, ...]:
    """Each team's routes, each also matching the team's `match` (the team's labels first)."""
    found = []
    for t, team in enumerate(teams):
        for r, spec in enumerate(team["routes"]):
            route = _route(spec, source.at("teams", t, "routes", r))
            found.append(replace(route, match=_match(team["match"]) + route.match, team=team["name"]))
    return tuple(found)


def _route(spec: Spec, source: Source) -> Route:
    return Route(
        spec.get("severity"),
        spec.get("priority"),
        tuple(spec["receivers"]),
        _optional_duration(spec, "group_wait", source),
        _optional_duration(spec, "repeat_interval", source),
        tuple(spec.get("mute", ())),
        _escalation(spec["escalate"], source.at("escalate")) if "escalate" in spec else None,
        source,
        _match(spec.get("match")),
    )


def _escalation(spec: Spec, source: Source) -> Escalation:
    after = _optional_duration(spec, "after", source)
    assert after is not None, "the schema requires escalate.after"
    return Escalation(after, tuple(spec["receivers"]))


def maintenance_window(spec: Spec, source: Source) -> MaintenanceWindow:
    """A routing maintenance window, or a service's budget exclusion: the same schedule syntax."""
    return MaintenanceWindow(
        spec["name"],
        tuple(spec.get("weekdays", ())),
        tuple(spec.get("days_of_month", ())),
        tuple(spec.get("months", ())),
        tuple((t["start"], t["end"]) for t in spec["times"]),
        spec.get("location", DEFAULT_LOCATION),
        source,
    )
