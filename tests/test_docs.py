"""The SLO catalog and runbook pages (output/docs/): one page per alert the rules can fire, holding the rule's
exact expr, the burn pairs' detection numbers as `slogen explain` prints them, the priority's response times and
the spec's own runbook text verbatim; an index that links every page, and no relative link that dangles."""

import dataclasses
import posixpath
import re
from pathlib import Path
from typing import ClassVar

import pytest

from generator import explain, pipeline
from generator.model import SelectorField
from generator.render import docs
from generator.render.rules import render_rules
from generator.write import OutputFile, serialise

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "slo_specs"
FIXTURES = ROOT / "tests" / "fixtures"
CHECKOUT = FIXTURES / "checkout.yaml"
_LINK = re.compile(r"\]\(([^)\s]+)\)")

RUNBOOKS = """
runbooks:
  base_url: https://runbooks.example.com/pages/
  priorities:
    P1: {title: High, response: 15m, escalation: 1h, recovery: 2h}
    P2: {title: Medium, response: 2h, escalation: 4h, recovery: 24h}
  pages:
    checkout-errors:
      title: Checkout errors
      text: |
        Check the `payments` | `orders` split first; a <b>tag</b> stays as written.

        ```promql
        sum(rate(x[5m]))
        ```
"""


def _generate(*paths: Path) -> dict[str, OutputFile]:
    outcome = pipeline.generate(list(paths))
    assert outcome.ok, [f.text() for f in outcome.findings]
    return {f.path: f for f in outcome.files}


@pytest.fixture(scope="module")
def bookiji() -> tuple[pipeline.Outcome, dict[str, OutputFile]]:
    outcome = pipeline.generate([SPECS])
    assert outcome.ok, [f.text() for f in outcome.findings]
    return outcome, {f.path: f for f in outcome.files}


def _spec(
    tmp_path: Path, extra: str = RUNBOOKS, runbook: str = "https://runbooks.example.com/pages/checkout-errors"
) -> Path:
    text = CHECKOUT.read_text().replace("https://runbooks.example.com/checkout/availability", runbook)
    spec = tmp_path / "checkout.yaml"
    spec.write_text(text + extra)
    return spec


def _rules_by_alert(outcome: pipeline.Outcome) -> dict[tuple[str, str], list[dict[str, object]]]:
    """(service, alert name) → its rules, as render_rules writes them."""
    found: dict[tuple[str, str], list[dict[str, object]]] = {}
    assert outcome.project is not None
    for service in outcome.project.services:
        for group in render_rules(service)["groups"]:  # type: ignore[attr-defined]
            for rule in group["rules"]:
                if "alert" in rule:
                    found.setdefault((service.name, rule["alert"]), []).append(rule)
    return found


@pytest.mark.parametrize("fixture", ["bookiji", *sorted(p.stem for p in FIXTURES.glob("*.yaml"))])
def test_every_alert_the_rules_can_fire_has_a_page_with_its_exact_exprs(fixture, bookiji):
    if fixture == "bookiji":
        outcome, files = bookiji
    else:
        outcome = pipeline.generate([FIXTURES / f"{fixture}.yaml"])
        if not outcome.ok:
            pytest.skip("a fixture of findings, not of output")
        files = {f.path: f for f in outcome.files}
    rules = _rules_by_alert(outcome)
    assert rules
    for (service, name), found in rules.items():
        page = files[f"docs/services/{service}/{name}.md"].data
        for rule in found:
            assert f"```promql\n{rule['expr'].rstrip()}\n```" in page, (service, name)
            if "for" in rule:
                assert f"`for: {rule['for']}`" in page
    written = {p for p in files if p.startswith("docs/services/") and p.count("/") == 3}
    assert written == {f"docs/services/{s}/{n}.md" for s, n in rules}


def test_burn_pages_show_the_numbers_slogen_explain_prints(bookiji):
    outcome, files = bookiji
    checked = 0
    for slo in outcome.project.slos():
        for pair in slo.burn_windows:
            numbers = explain.pair_numbers(slo, pair)
            row = (
                f"| {pair.severity} | {numbers.pair} | {numbers.burn} | {numbers.fires_at} | "
                + "".join(f"{o} | " for o in numbers.outcomes)
                + f"{numbers.resets} |"
            )
            for path in (f"docs/services/{slo.service}.md", f"docs/services/{slo.service}/{_burn(slo)}.md"):
                assert row in files[path].data, (path, row)
            # the same strings explain prints, in its own table
            printed = explain._pair_line(slo, pair)
            assert all(o in printed for o in (numbers.pair, numbers.fires_at, *numbers.outcomes, numbers.resets))
            checked += 1
    assert checked > 20


def _burn(slo) -> str:
    return next(a.name for a in slo.alerts if a.kind == "burn")


def test_the_specs_own_text_appears_verbatim_in_the_runbook_and_alert_pages(tmp_path):
    files = _generate(_spec(tmp_path))
    text = (
        "Check the `payments` | `orders` split first; a <b>tag</b> stays as written.\n\n"
        "```promql\nsum(rate(x[5m]))\n```"
    )
    runbook = files["docs/runbooks/checkout-errors.md"].data
    page = files["docs/services/checkout/RequestsAvailabilityBudgetBurn.md"].data
    assert text in runbook and text in page
    assert "[RequestsAvailabilityBudgetBurn](../services/checkout/RequestsAvailabilityBudgetBurn.md)" in runbook
    assert "published as https://runbooks.example.com/pages/checkout-errors" in runbook
    assert "- **P1**, High: respond within 15m, escalate after 1h, recover within 2h." in page


def test_output_is_deterministic(tmp_path):
    first = {p: serialise(f) for p, f in _generate(_spec(tmp_path)).items() if p.startswith("docs/")}
    second = {p: serialise(f) for p, f in _generate(_spec(tmp_path)).items() if p.startswith("docs/")}
    assert first == second


def test_pages_carry_the_header_as_an_html_comment():
    file = OutputFile("docs/index.md", "# Title\n", ("specs/a.yaml",))
    assert serialise(file) == b"<!-- generated by slogen from specs/a.yaml; do not edit -->\n# Title\n"


def _links(files: dict[str, OutputFile]) -> dict[str, set[str]]:
    """Every page → the docs/ paths its relative links point at (anchors dropped)."""
    found: dict[str, set[str]] = {}
    for path, file in files.items():
        if not path.startswith("docs/"):
            continue
        targets = set()
        for link in _LINK.findall(file.data):
            if "://" in link:
                continue
            target = link.split("#")[0]
            targets.add(posixpath.normpath(posixpath.join(posixpath.dirname(path), target)) if target else path)
        found[path] = targets
    return found


@pytest.mark.parametrize("which", ["bookiji", "checkout"])
def test_the_index_reaches_every_page_and_no_link_dangles(which, bookiji, tmp_path):
    files = bookiji[1] if which == "bookiji" else _generate(_spec(tmp_path))
    links = _links(files)
    for page, targets in links.items():
        assert targets <= set(links), (page, targets - set(links))
    reached, todo = {"docs/index.md"}, ["docs/index.md"]
    while todo:
        for target in links[todo.pop()] - reached:
            reached.add(target)
            todo.append(target)
    assert reached == set(links)
    index = links["docs/index.md"]
    assert {p for p in links if p.count("/") == 2} <= index  # every service and runbook page, directly


# README §3.3: the seven pages that were "to write", and what each must say.
BOOKIJI_PAGES = {
    "payments-double-charge": [
        "Refund the extra charge in Stripe",
        "bookiji_payments_double_charges_open",
        "Silencing is not clearing",
        "Wait for the next reconciliation run",
    ],
    "access-log-write-failures": ["0.1 %", "immutable"],
    "api-errors": ["429", "5xx"],
    "paid-booking-flow-failures": ["$1 flow", "bkctl rollback --booking <id>"],
    "rollback": ["bkctl rollback --booking <id>", "/ops/drills/YYYY-MM-DD.md", "60 s"],
    "feature-flags": ["payments.outbox", "ops.force_cancel", "beta.public_directory", "admin_only"],
    "performance-budgets": ["FCP < 1.5 s", "100 ms p95", "2 s for 5 MB"],
}


@pytest.mark.parametrize("slug", sorted(BOOKIJI_PAGES))
def test_bookiji_runbooks_that_were_to_write_have_their_pages(slug, bookiji):
    outcome, files = bookiji
    page = files[f"docs/runbooks/{slug}.md"].data
    for phrase in BOOKIJI_PAGES[slug]:
        assert phrase in page, (slug, phrase)
    assert "## Alerts that link here" in page and "No text yet" not in page
    text = outcome.project.runbooks.page(slug).text.rstrip()
    assert text in page


def test_bookiji_alert_pages_give_the_launch_documents_response_times(bookiji):
    _outcome, files = bookiji
    page = files["docs/services/bookiji-pilot/PaymentsDoubleCharge.md"].data
    assert "- **P0**, Critical (service down): respond within 5m, escalate at once, recover within 15m." in page
    assert "Silencing is not clearing" in page
    assert "https://grafana.bookiji.com/d/slogen-bookiji-pilot" in page
    assert "\n".join(f"| {p} |" for p in ("P0", "P1", "P2"))[:6] in files["docs/index.md"].data
    assert "| P1 | High (performance degradation) | 15m | 1h | 2h |" in files["docs/index.md"].data


def test_slo_alert_pages_link_the_slo_detail_dashboard_and_symptom_alerts_do_not(bookiji):
    _outcome, files = bookiji
    burn = files["docs/services/bookiji/AvailabilityBudgetBurn.md"].data
    assert "`/d/slogen_slo_detail?var-service=bookiji&var-slo=availability`" in burn
    symptom = files["docs/services/bookiji-pilot/PaymentsDoubleCharge.md"].data
    assert "slogen_slo_detail" not in symptom


def test_bookiji_has_no_runbook_url_without_text(bookiji):
    outcome, _files = bookiji
    assert not [f for f in outcome.findings if f.rule.startswith("runbook")]


def test_an_sli_kind_without_words_renders_its_fields(tmp_path):
    """Others add SLI kinds; the catalog shows a kind it does not know by its fields rather than failing."""

    @dataclasses.dataclass(frozen=True)
    class FreshnessSLI:
        last_success: SelectorField
        max_age: int
        kind: ClassVar[str] = "freshness"

    outcome = pipeline.generate([CHECKOUT])
    service = outcome.project.services[0]
    slo = service.slos[0]
    field = dataclasses.replace(slo.sli.total, text='job_last_success_timestamp_seconds{job="nightly"}')
    odd = dataclasses.replace(slo, sli=FreshnessSLI(field, 86400))
    assert docs.sli_fields(odd) == [
        ("last_success", '`job_last_success_timestamp_seconds{job="nightly"}`'),
        ("max_age", "1d"),
    ]
    page = docs.render_service(dataclasses.replace(service, slos=(odd,)), None)
    assert "- **SLI**: freshness; last_success `job_last_success_timestamp_seconds" in page


def test_markdown_escapes_keep_spec_text_intact():
    assert docs.code("a`b") == "``a`b``"
    assert docs.code("`x`") == "`` `x` ``"
    assert docs.cell("a | b\nc <d>") == "a \\| b c &lt;d&gt;"
    assert docs.fenced("x\n```\ny") == "````\nx\n```\ny\n````"


PAGES = ["index.md", "runbooks/x.md", "services/a.md", "services/a/A.md", "services/ab/A.md", "services/a/b/c.md"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("target", [*PAGES, "services/a", "a.md", "services/a/A2.md"])
def test_links_between_pages_are_the_ones_relpath_gives(page, target):
    assert docs.relative(target, page) == posixpath.relpath(target, posixpath.dirname(page) or ".")


# --- lint ------------------------------------------------------------------------------------------------


def _findings(tmp_path: Path, rule: str, **kwargs: str) -> list:
    return [f for f in pipeline.check([_spec(tmp_path, **kwargs)]).findings if f.rule == rule]


def test_a_runbook_url_under_base_url_without_text_is_a_warning(tmp_path):
    found = _findings(tmp_path, "runbook-page", runbook="https://runbooks.example.com/pages/checkout-latency")
    assert [(f.line, f.column, f.level, f.message) for f in found] == [
        (
            15,
            16,
            "warning",
            "the runbook page 'checkout-latency' has no text: its generated page lists the alerts only; write it "
            "in runbooks.pages.checkout-latency.text",
        )
    ]
    files = _generate(_spec(tmp_path, runbook="https://runbooks.example.com/pages/checkout-latency"))
    assert "**No text yet.**" in files["docs/runbooks/checkout-latency.md"].data


def test_a_runbook_url_that_is_no_page_name_is_a_warning(tmp_path):
    found = _findings(tmp_path, "runbook-page", runbook="https://runbooks.example.com/pages/Checkout/errors")
    assert [(f.level, f.message) for f in found] == [
        (
            "warning",
            "https://runbooks.example.com/pages/Checkout/errors is under runbooks.base_url, so it names the page "
            "'Checkout/errors', which is not a page name slogen writes; use "
            "https://runbooks.example.com/pages/<page> with a page of lower-case letters, digits and dashes",
        )
    ]


def test_a_priority_without_times_is_a_warning(tmp_path):
    extra = RUNBOOKS.replace("    P2: {title: Medium, response: 2h, escalation: 4h, recovery: 24h}\n", "")
    found = _findings(tmp_path, "runbook-priorities", extra=extra)
    assert [f.message for f in found] == [
        "no response times for P2, which checkout/RequestsAvailabilityBudgetBurn fires with; add runbooks.priorities.P2"
    ]


def test_a_second_runbooks_section_is_refused(tmp_path):
    _spec(tmp_path)
    other = CHECKOUT.read_text().replace("service: checkout", "service: zz-other") + RUNBOOKS
    (tmp_path / "zz-other.yaml").write_text(other)
    found = [f for f in pipeline.check([tmp_path]).findings if f.rule == "runbooks-single"]
    assert len(found) == 1 and found[0].file.endswith("zz-other.yaml")


def test_the_schema_says_how_to_write_base_url(tmp_path):
    spec = _spec(
        tmp_path,
        extra=RUNBOOKS.replace("https://runbooks.example.com/pages/\n", "https://runbooks.example.com/pages\n"),
    )
    found = [f for f in pipeline.check([spec]).findings if f.path == "runbooks.base_url"]
    assert found and "ending in /" in found[0].message
