"""The ASGI app: three read-only pages over the catalog and, when given, one Prometheus.

Every URL id is looked up in the catalog (404 otherwise) and the query parameters only filter catalog rows or pick
one of detail.RANGES, so nothing a request carries reaches PromQL. No page runs a script: the Content-Security-Policy
forbids them, the charts are SVG drawn on the server, and the status pages refresh by <meta http-equiv>.
"""

import math
import time
import urllib.parse
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from .. import __version__
from ..durations import format_duration, format_number
from ..model import Project
from ..render import dashboards
from ..render import slo_queries as q
from . import catalog, detail, status
from .prometheus import Counted, Prometheus

PAGE_SIZE = 200  # rows per catalog or status page: a 10,000-SLO fleet is searched and filtered, not scrolled
MAX_TEXT = 200  # characters of the free-text filter
REFRESH_SECONDS = 30  # the status and detail pages reload themselves, as Grafana's SLO dashboards do
SECURITY_HEADERS = {
    # No scripts at all, styles only from serve.css, no framing, no form posts elsewhere.
    "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cache-control": "no-store",
}
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGI = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Settings:
    prometheus: Prometheus | None = None
    grafana: str | None = None  # Grafana's base URL, for links to the SLO detail and service dashboards
    clock: Callable[[], float] = time.time


def create_app(project: Project, settings: Settings = Settings()) -> ASGI:
    index = catalog.build(project)
    templates = _templates()
    static = resources.files(__package__).joinpath("static")
    css, icon = static.joinpath("serve.css").read_bytes(), static.joinpath("favicon.svg").read_bytes()

    def render(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        context = {"active": "", "refresh": None, **context}
        page = templates.get_template(name).render(
            version=__version__, prometheus=settings.prometheus is not None, **context
        )
        return HTMLResponse(page, status_code=status_code)

    def catalog_page(request: Request) -> Response:
        filters, page = _filters(request)
        rows = catalog.select(index, filters)
        return render(
            "catalog.html.j2",
            active="catalog",
            rows=rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
            **_listing(index, filters, page, len(rows)),
        )

    def status_page(request: Request) -> Response:
        filters, page = _filters(request)
        if settings.prometheus is None:
            return render(
                "status.html.j2", active="status", rows=[], error=None, queries=0, **_listing(index, filters, page, 0)
            )
        counted = Counted(settings.prometheus)
        selected = catalog.select(index, filters)
        found = status.read(counted, selected)
        return render(
            "status.html.j2",
            active="status",
            rows=found.rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
            error=found.error,
            queries=len(counted.queries),
            refresh=REFRESH_SECONDS,
            **_listing(index, filters, page, len(found.rows), len(selected)),
        )

    def slo_page(request: Request) -> Response:
        entry = index.by_key.get((request.path_params["service"], request.path_params["slo"]))
        if entry is None:
            raise HTTPException(404, "no such SLO in the specs this server was started with")
        range_name = request.query_params.get("range", detail.DEFAULT_RANGE)
        if range_name not in detail.RANGES:
            range_name = detail.DEFAULT_RANGE
        found = None
        queries = 0
        if settings.prometheus is not None:
            counted = Counted(settings.prometheus)
            found = detail.read(counted, entry, range_name, settings.clock())
            queries = len(counted.queries)
        return render(
            "detail.html.j2",
            entry=entry,
            found=found,
            queries=queries,
            range_name=range_name,
            ranges=list(detail.RANGES),
            links=_links(entry, settings.grafana),
            refresh=REFRESH_SECONDS if found else None,
        )

    def stylesheet(request: Request) -> Response:
        return Response(css, media_type="text/css", headers={"cache-control": "max-age=300"})

    def favicon(request: Request) -> Response:
        return Response(icon, media_type="image/svg+xml", headers={"cache-control": "max-age=300"})

    async def not_found(request: Request, exc: Exception) -> Response:
        detail_text = exc.detail if isinstance(exc, HTTPException) else "not found"
        code = exc.status_code if isinstance(exc, HTTPException) else 404
        return render("error.html.j2", code, code=code, message=detail_text)

    async def server_error(request: Request, exc: Exception) -> Response:
        # Whatever went wrong, the page says so in one line; the traceback stays in the server's log.
        message = f"slogen serve failed on this page ({type(exc).__name__}); the server's log has the details"
        return PlainTextResponse(message + "\n", 500)

    app = Starlette(
        routes=[
            Route("/", catalog_page),
            Route("/status", status_page),
            Route("/slo/{service}/{slo}", slo_page),
            Route("/serve.css", stylesheet),
            Route("/favicon.svg", favicon),
            Route("/favicon.ico", favicon),  # browsers ask for it whatever the page links
        ],
        exception_handlers={HTTPException: not_found, 404: not_found, Exception: server_error},
    )
    return secured(app)


def secured(app: ASGI) -> ASGI:
    """Adds SECURITY_HEADERS to every response, the error pages included; answers only GET and HEAD."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD"):
            await Response("read-only: GET only\n", 405, {"allow": "GET, HEAD", **SECURITY_HEADERS})(
                scope, receive, send
            )
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {bytes(k).lower() for k, _v in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await app(scope, receive, with_headers)

    return wrapped


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.serve", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(percent=percent, burn=burn, seconds=seconds, query=_query, duration=format_duration)
    env.globals["state_words"] = status.STATE_WORDS
    return env


def _filters(request: Request) -> tuple[catalog.Filters, int]:
    params = request.query_params
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    filters = catalog.Filters(
        text=params.get("q", "")[:MAX_TEXT].strip(),
        service=params.get("service", ""),
        team=params.get("team", ""),
        label=params.get("label", ""),
    )
    return filters, page


def _listing(
    index: catalog.Catalog, filters: catalog.Filters, page: int, total: int, slos: int | None = None
) -> dict[str, Any]:
    """What the filter form and the pager show. `slos`: on the status page, the SLOs whose `total` groups it lists."""
    pages = max(1, math.ceil(total / PAGE_SIZE))
    everything = len(index.entries)
    count = (
        f"{total} of {everything} SLOs" if slos is None else f"{total} rows: every group of {slos} of {everything} SLOs"
    )
    return {
        "count": count,
        "filters": filters,
        "services": index.services(),
        "teams": index.teams(),
        "labels": index.labels(),
        "page": min(page, pages),
        "pages": pages,
    }


def _links(entry: catalog.Entry, grafana: str | None) -> list[tuple[str, str]]:
    slo = entry.slo
    found = []
    if slo.alerting.runbook:
        found.append(("Runbook", slo.alerting.runbook))
    if grafana:
        base = grafana.rstrip("/")
        query = urllib.parse.urlencode({f"var-{q.DETAIL_SERVICE}": slo.service, f"var-{q.DETAIL_SLO}": slo.name})
        found.append(("Grafana: SLO detail dashboard", f"{base}/d/{dashboards.DETAIL_UID}?{query}"))
        found.append(("Grafana: service dashboard", f"{base}/d/{dashboards.dashboard_uid(slo.service)}"))
    elif entry.dashboard_url:
        found.append(("Grafana: service dashboard", entry.dashboard_url))
    return found


def percent(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "missing"
    return f"{format_number(round(value * 100, 3))} %"


def burn(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "missing"
    return f"{value:.0f}×" if value >= 100 else f"{value:.3g}×"


def seconds(value: float | None) -> str:
    """A time to exhaustion: `3d 4h`, `25m`; `—` when nothing burns."""
    if value is None or not math.isfinite(value):
        return "—"
    if value <= 0:
        return "spent"
    minutes = int(value // 60)
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {minutes}m" if hours else f"{minutes}m"


def _query(filters: catalog.Filters, **changes: Any) -> str:
    """The current filters as a query string, with `changes` (such as page=2)."""
    params = {"q": filters.text, "service": filters.service, "team": filters.team, "label": filters.label}
    params.update({k: str(v) for k, v in changes.items()})
    return urllib.parse.urlencode({k: v for k, v in params.items() if v})
