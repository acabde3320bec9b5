"""`slogen serve` in headless Chromium (Debian's chromium and chromedriver, driven by Selenium) against the e2e
Prometheus and SimCity: the catalog lists every Bookiji SLO with JavaScript off, an outage turns the SLO red with
its firing page, the charts draw points, and the browser logs no error (a CSP violation would be one).

SLOGEN_SCREENSHOTS=docs writes the three pages' screenshots to docs/serve-*.png (README.md shows them); otherwise
they go to the test's temporary directory.
"""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import pipeline
from generator.serve import app, prometheus, server
from testing.servers import wait_for

from .stack import Stack, slo_pairs, wait_firing

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[2]
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
PAGE_TIMEOUT = 30  # seconds for a page to load (Selenium's own deadline)
STATUS_TIMEOUT = 60  # seconds for the status page to show what Prometheus shows
POINTS_TIMEOUT = 120  # seconds for the 1h charts (a point every 15 s) to hold several points
WIDTH = 1400


@pytest.fixture(scope="module")
def serving(slo_stack: Stack) -> Iterator[str]:
    project = pipeline.check([ROOT / "slo_specs"]).project
    assert project is not None
    source = prometheus.HTTPPrometheus(slo_stack.prometheus.url)
    asgi = app.create_app(project, app.Settings(source, "https://grafana.example.com"))
    with server.running(asgi) as listening:
        yield listening.url


def _chrome(javascript: bool) -> "webdriver.Chrome":  # type: ignore[name-defined]  # noqa: F821
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for path in (CHROMIUM, CHROMEDRIVER):
        if not shutil.which(path):
            raise AssertionError(f"{path} is missing: `make tools` installs chromium and chromium-driver with apt-get")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # Debian's build; with both paths given Selenium Manager fetches nothing
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=en"):
        options.add_argument(argument)
    options.add_argument(f"--window-size={WIDTH},1000")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(PAGE_TIMEOUT)
    return driver


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    driver = _chrome(javascript=True)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def no_script_browser() -> Iterator[object]:
    driver = _chrome(javascript=False)
    yield driver
    driver.quit()


@pytest.fixture(autouse=True)
def no_console_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test ends with no error in the browser's console: no failed resource, no CSP violation."""
    yield
    for name in ("browser", "no_script_browser"):
        if name in request.fixturenames:
            logs = request.getfixturevalue(name).get_log("browser")
            assert [entry for entry in logs if entry["level"] == "SEVERE"] == []


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ROOT / "docs" if os.environ.get("SLOGEN_SCREENSHOTS") == "docs" else tmp_path_factory.mktemp("shots")


def _screenshot(driver: object, path: Path) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")  # type: ignore[attr-defined]
    driver.set_window_size(WIDTH, min(max(int(height), 600), 2200))  # type: ignore[attr-defined]
    assert driver.save_screenshot(str(path)), f"no screenshot at {path}"  # type: ignore[attr-defined]
    driver.set_window_size(WIDTH, 1000)  # type: ignore[attr-defined]


def _attributes(driver: object, css: str, *names: str) -> list[tuple[str, ...]]:
    from selenium.webdriver.common.by import By

    found = driver.find_elements(By.CSS_SELECTOR, css)  # type: ignore[attr-defined]
    return [tuple(element.get_attribute(name) for name in names) for element in found]


def test_the_catalog_lists_every_bookiji_slo_with_javascript_off(
    serving: str, slo_stack: Stack, no_script_browser: object, shots: Path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = no_script_browser
    driver.get(f"{serving}/")  # type: ignore[attr-defined]
    listed = set(_attributes(driver, "article.slo", "data-service", "data-slo"))
    assert listed == slo_pairs(slo_stack.rule_files)
    assert len(listed) == 23
    _screenshot(driver, shots / "serve-catalog.png")
    # The filter form is a plain GET: it filters with scripts off.
    Select(driver.find_element(By.NAME, "service")).select_by_visible_text("bookiji-pilot")  # type: ignore[attr-defined]
    driver.find_element(By.CSS_SELECTOR, "form.filters button").click()  # type: ignore[attr-defined]
    wait_for(lambda: "service=bookiji-pilot" in driver.current_url, PAGE_TIMEOUT, "the filtered catalog")  # type: ignore[attr-defined]
    services = {service for service, _slo in _attributes(driver, "article.slo", "data-service", "data-slo")}
    assert services == {"bookiji-pilot"}


def test_an_outage_turns_the_slo_red_with_its_firing_page(serving: str, slo_stack: Stack, browser: object, shots: Path):
    from selenium.webdriver.common.by import By

    driver = browser
    slo_stack.scenario("outage")
    # The fast page pair: a slower pair (6h/30m) may still fire from an outage an earlier test played.
    fast = {"alertname": "AvailabilityBudgetBurn", "service": "bookiji-pilot", "severity": "page", "long_window": "1h"}
    wait_firing(slo_stack, **fast)
    row = 'tr[data-service="bookiji-pilot"][data-slo="availability"]'

    def red_row() -> object:
        driver.get(f"{serving}/status")  # type: ignore[attr-defined]
        rows = driver.find_elements(By.CSS_SELECTOR, row)  # type: ignore[attr-defined]
        shown = rows and rows[0].get_attribute("data-state") == "page" and "page 1h/5m" in rows[0].text
        return shown and rows[0]

    found = wait_for(red_row, STATUS_TIMEOUT, "the pilot availability SLO red on the status page, its 1h/5m page")
    assert "AvailabilityBudgetBurn page 1h/5m" in found.text  # type: ignore[attr-defined]
    cell = found.find_element(By.CSS_SELECTOR, "td.state")  # type: ignore[attr-defined]
    assert cell.value_of_css_property("background-color") == "rgba(196, 22, 28, 1)"  # serve.css's --red
    states = [state for (state,) in _attributes(driver, "table.status tbody tr", "data-state")]
    assert states[0] == "page", "worst first"
    assert re.fullmatch(r"5 PromQL queries", driver.find_element(By.ID, "queries").text)  # type: ignore[attr-defined]
    _screenshot(driver, shots / "serve-status.png")


def test_the_slo_page_charts_draw_data_points(serving: str, slo_stack: Stack, browser: object, shots: Path):
    from selenium.webdriver.common.by import By

    driver = browser
    wait_firing(slo_stack, alertname="AvailabilityBudgetBurn", service="bookiji-pilot", severity="page")

    def points() -> dict[str, int]:
        driver.get(f"{serving}/slo/bookiji-pilot/availability?range=1h")  # type: ignore[attr-defined]
        counts = {}
        for chart in ("sli", "burns"):
            found = _attributes(driver, f"#chart-{chart} g.series", "data-points")
            counts[chart] = max((int(n) for (n,) in found), default=0)
        return counts if min(counts.values()) >= 3 else {}

    wait_for(points, POINTS_TIMEOUT, "three points or more on the SLI and burn-rate charts")
    circles = driver.find_elements(By.CSS_SELECTOR, "#chart-sli g.series circle")  # type: ignore[attr-defined]
    assert len(circles) >= 3 and all(c.is_displayed() for c in circles)
    assert driver.find_elements(By.CSS_SELECTOR, "#chart-timeline g.band.page rect")  # type: ignore[attr-defined]
    rules = driver.find_elements(By.CSS_SELECTOR, "#chart-burns .rule-label")  # type: ignore[attr-defined]
    assert {r.text for r in rules} >= {"page 1h/5m 14.4×", "page 6h/30m 6×"}
    assert driver.find_element(By.ID, "queries").text == "9 PromQL queries"  # type: ignore[attr-defined]
    _screenshot(driver, shots / "serve-detail.png")
