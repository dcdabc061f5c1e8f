"""Browser tests: Playwright driving Debian's Chromium against a live server.

One live server for the whole session: a werkzeug server in a daemon thread over
an app with its own SQLite database, migrated, seeded (``tracker seed``) and
loaded with the real data (``tracker import all``). postcodes.io is mocked at the
httpx layer (``HTTP_TRANSPORT``), so nothing leaves the machine.

Each test gets a fresh browser context at phone (360x740) and desktop (1280x900)
size (the ``browse`` fixture is parametrised over both). Every request the page
makes to anything but the live server is blocked and recorded, and the test fails
if the site itself made one (plotly.js and every asset must come from the app),
if a server error (5xx or an exception in a view) happened, if an asset was
missing, or if the page raised a JavaScript error.

The browser tests run on SQLite only (the PostgreSQL run covers the database
layer). Without Chromium (/usr/bin/chromium, or TRACKER_CHROMIUM) or playwright
they skip with the reason; under CI=true that is a failure. Never call
``playwright install``: the system Chromium is used.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

import httpx
import pytest
from flask import Flask, got_request_exception
from werkzeug.serving import WSGIRequestHandler, make_server

from tracker import create_app
from tracker import migrate as migrations
from tracker.db import make_engine

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Request, Response, Route

IN_CI = os.environ.get("CI", "").lower() == "true"
ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))
CHROMIUM = Path(os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
DEVICES: dict[str, dict[str, int]] = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 360, "height": 740},
}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "browser-failures"
# Waits: the server is local, but plotly.js is 4.8 MB to parse on a slow CI machine.
TIMEOUT_MS = 20_000
EXPECT_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Known:
    """Facts from the real data (../shared/data) and the seeds that the tests look for."""

    postcode: str = "B13 9ZZ"  # made up, valid in form; the mock puts it in Hall Green and Moseley
    unknown_postcode: str = "B99 9ZZ"  # the mock answers 404 "Postcode not found"
    constituency: str = "Birmingham Hall Green and Moseley"
    constituency_gss: str = "E14001094"
    constituency_path: str = "/constituencies/birmingham-hall-green-and-moseley"
    mp: str = "Tahir Ali"
    mp_path: str = "/people/tahir-ali"
    mp_stance: str = "Calls for an immediate ceasefire"
    vote_date: str = "2023-11-15"
    vote_day: str = "15 Nov 2023"
    source_url: str = "https://votes.parliament.uk/votes/commons/division/1666"  # the official record
    division: str = "2023-11-15-snp-amendment-h-immediate-ceasefire"


KNOWN = Known()

# One URL per page type, with the HTTP status it must answer.
PAGE_TYPES: dict[str, tuple[str, int]] = {
    "home": ("/", 200),
    "search": ("/search?q=hall+green", 200),
    "constituency": (KNOWN.constituency_path, 200),
    "person": (KNOWN.mp_path, 200),
    "council": ("/councils/oxford-city-council", 200),
    "party": ("/parties/labour", 200),
    "division": ("/divisions/2023-11-15-snp-amendment-h-immediate-ceasefire", 200),
    "election": ("/elections/uk-general-election-2024", 200),
    "pledge": ("/pledges/no-ceasefire-no-vote", 200),
    "changes": ("/changes", 200),
    "history": (f"{KNOWN.mp_path}/history", 200),
    "change-set": ("/changes/1", 200),
    "methodology": ("/methodology", 200),
    "downloads": ("/downloads", 200),
    "downloads-table": ("/downloads/tables/division", 200),
    "downloads-twins": ("/downloads/pages/person", 200),
    "coverage": ("/coverage?region=london", 200),
    "not-found": ("/people/no-such-person-here", 404),
}

# True once every chart on the page is drawn (static/charts.js adds .drawn) with its SVG.
ALL_CHARTS_DRAWN = """() => [...document.querySelectorAll('.chart-plot')]
    .every(el => el.classList.contains('drawn') && el.querySelector('svg.main-svg'))"""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "page_type" in metafunc.fixturenames:
        metafunc.parametrize("page_type", list(PAGE_TYPES))


# When a browser context closes while werkzeug's development server is still sending it a
# static file, the server thread drops the file unclosed and the garbage collector says so
# during whichever test runs next. The site's server (gunicorn) closes them; only these two
# warnings, about files under static/, are let through.
_DROPPED_STATIC_FILES = (
    r"ignore:unclosed file <_io\.BufferedReader name='[^']*/static/:ResourceWarning",
    r"ignore:Exception ignored in. <_io\.FileIO name='[^']*/static/:pytest.PytestUnraisableExceptionWarning",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            for rule in _DROPPED_STATIC_FILES:
                item.add_marker(pytest.mark.filterwarnings(rule))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the item, so a fixture can tell that its test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _unavailable(reason: str) -> NoReturn:
    if IN_CI:
        pytest.fail(f"{reason} (browser tests are required under CI=true)")
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def _sqlite_only() -> None:
    if ON_POSTGRES:
        pytest.skip("browser tests run on SQLite only; the PostgreSQL run covers the database layer")


@pytest.fixture(scope="session")
def known() -> Known:
    return KNOWN


# -- postcodes.io, mocked -------------------------------------------------------------------

@dataclass
class PostcodesIO:
    """An httpx handler answering like postcodes.io; ``requests`` lists the URLs asked for."""

    example: dict[str, Any]
    requests: list[str] = field(default_factory=list)

    def result(self) -> dict[str, Any]:
        outcode, incode = KNOWN.postcode.split()
        result = copy.deepcopy(self.example)
        result.update(postcode=KNOWN.postcode, outcode=outcode, incode=incode, country="England",
                      region="West Midlands", admin_district="Birmingham", admin_county=None,
                      parish=None, parliamentary_constituency=KNOWN.constituency,
                      parliamentary_constituency_2024=KNOWN.constituency)
        result["codes"].update(parliamentary_constituency=KNOWN.constituency_gss,
                               parliamentary_constituency_2024=KNOWN.constituency_gss,
                               admin_district="E08000025")
        return result

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(str(request.url))
        parts = request.url.path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "postcodes":
            asked = "".join(parts[1].split()).upper()
            if asked == KNOWN.postcode.replace(" ", ""):
                return httpx.Response(200, json={"status": 200, "result": self.result()})
        return httpx.Response(404, json={"status": 404, "error": "Postcode not found"})


@pytest.fixture(scope="session")
def postcodes_io(shared_data: Path) -> PostcodesIO:
    example = shared_data / "api_examples" / "postcodes_io_postcode_result_example.json"
    return PostcodesIO(json.loads(example.read_text(encoding="utf-8")))


# -- the live server ------------------------------------------------------------------------

class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *_args: Any, **_kwargs: Any) -> None:
        """No access log: the tests record what matters."""


@dataclass
class LiveServer:
    url: str
    app: Flask
    exceptions: list[str] = field(default_factory=list)  # exceptions raised in views


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, shared_data: Path,
                postcodes_io: PostcodesIO) -> Iterator[LiveServer]:
    from tracker.cli import main

    path = tmp_path_factory.mktemp("browser") / "tracker.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrations.upgrade(engine)
    engine.dispose()
    app = create_app({
        # Not TESTING: a failing view must answer with the site's 500 page, as in production.
        "DATABASE_URL": url,
        "SECRET_KEY": "browser-tests",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "POSTCODES_IO_URL": "https://api.postcodes.io",
        "HTTP_TRANSPORT": httpx.MockTransport(postcodes_io),
    })
    runner = app.test_cli_runner()
    for args in (["seed"], ["import", "all", "--data-dir", str(shared_data)]):
        result = runner.invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 0, f"tracker {' '.join(args)} failed:\n{result.output}"

    with serving(LiveServer(url="", app=app), "live-server") as server:
        yield server


@contextmanager
def serving(server: LiveServer, name: str) -> Iterator[LiveServer]:
    """Serve ``server.app`` on a free port of 127.0.0.1 in a thread (setting ``server.url``),
    recording exceptions raised in its views, until the block ends."""
    app = server.app

    def record(_sender: Flask, exception: BaseException, **_extra: Any) -> None:
        server.exceptions.append(f"{type(exception).__name__}: {exception}")

    got_request_exception.connect(record, app, weak=False)
    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    server.url = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, name=name, daemon=True)
    thread.start()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        yield server
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()
        got_request_exception.disconnect(record, app)
        app.extensions["engine"].dispose()


# -- the browser ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _unavailable(f"playwright is not installed ({exc}); `bin/setup dev` installs it")
    if not CHROMIUM.is_file():
        _unavailable(f"Chromium is not installed at {CHROMIUM}; `apt-get install chromium` "
                     "(bin/test tries), or set TRACKER_CHROMIUM")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    from playwright.sync_api import Error

    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             headless=True)
    except Error as exc:
        _unavailable(f"Chromium at {CHROMIUM} did not start: {exc}")
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def expect() -> Any:
    """playwright's ``expect`` (a fixture, so that a missing playwright skips instead of erroring)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    return expect


@dataclass
class Browsing:
    """A page in a fresh context at one device size, with what it asked of the network."""

    page: Page
    context: BrowserContext
    base_url: str
    device: str
    javascript: bool
    blocked: list[str] = field(default_factory=list)  # requests not to the live server: aborted
    followed: list[str] = field(default_factory=list)  # off-site links a test chose to follow
    broken: list[str] = field(default_factory=list)  # sub-resources that failed (4xx/5xx)
    server_errors: list[str] = field(default_factory=list)  # any 5xx answer
    script_errors: list[str] = field(default_factory=list)  # uncaught JS errors, console errors
    off_site_allowed: set[str] = field(default_factory=set)

    @property
    def width(self) -> int:
        return DEVICES[self.device]["width"]

    def url(self, path: str) -> str:
        return self.base_url + path

    def open(self, path: str, status: int = 200) -> Response:
        """Go to ``path``, check its status, and wait until every chart is drawn."""
        response = self.page.goto(self.url(path), wait_until="load")
        assert response is not None, f"no response for {path}"
        assert response.status == status, f"{path} answered {response.status}, expected {status}"
        self.wait_for_charts()
        return response

    def wait_for_charts(self) -> None:
        if self.javascript:
            self.page.wait_for_function(ALL_CHARTS_DRAWN, timeout=TIMEOUT_MS)

    def allow_off_site(self, url: str) -> None:
        """Let a test click through to ``url``: the browser gets a stub page, the network nothing."""
        self.off_site_allowed.add(url)

    def problems(self) -> list[str]:
        found = [f"request off the live server (blocked): {u}" for u in self.blocked]
        found += [f"failed sub-resource: {u}" for u in self.broken]
        found += [f"server error: {u}" for u in self.server_errors]
        found += [f"script error: {e}" for e in self.script_errors]
        return found


def _open(browser: Browser, live_server: LiveServer, device: str, javascript: bool) -> Browsing:
    context = browser.new_context(viewport=DEVICES[device], java_script_enabled=javascript,
                                  locale="en-GB", timezone_id="Europe/London", accept_downloads=True,
                                  is_mobile=device == "phone", has_touch=device == "phone")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    browsing = Browsing(page=page, context=context, base_url=live_server.url, device=device,
                        javascript=javascript)
    local = urlsplit(live_server.url).netloc

    def route(route: Route, request: Request) -> None:
        if urlsplit(request.url).netloc == local:
            route.continue_()
        elif request.url in browsing.off_site_allowed and request.is_navigation_request():
            browsing.followed.append(request.url)
            route.fulfill(status=200, content_type="text/html",
                          body="<!doctype html><title>Off-site page (stub)</title><p>Stub.</p>")
        else:
            browsing.blocked.append(request.url)
            route.abort("blockedbyclient")

    def response(answer: Response) -> None:
        if urlsplit(answer.url).netloc != local:
            return
        if answer.status >= 500:
            browsing.server_errors.append(f"{answer.status} {answer.url}")
        elif answer.status >= 400 and not answer.request.is_navigation_request():
            browsing.broken.append(f"{answer.status} {answer.url}")

    def console(message: Any) -> None:
        # Failed loads are already recorded (with their URL) by ``response``.
        if message.type == "error" and "Failed to load resource" not in message.text:
            browsing.script_errors.append(f"console: {message.text}")

    context.route("**/*", route)
    page.on("response", response)
    page.on("pageerror", lambda error: browsing.script_errors.append(f"uncaught: {error}"))
    page.on("console", console)
    return browsing


def _browsing(request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer,
              javascript: bool) -> Iterator[Browsing]:
    exceptions_before = len(live_server.exceptions)
    browsing = _open(browser, live_server, request.param, javascript)
    try:
        yield browsing
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            _save_failure(request.node, browsing)
    finally:
        browsing.context.close()
    problems = browsing.problems()
    problems += [f"exception in a view: {e}" for e in live_server.exceptions[exceptions_before:]]
    assert not problems, "while browsing:\n" + "\n".join(problems)


def _save_failure(node: pytest.Item, browsing: Browsing) -> None:
    """A screenshot of the page as the test failed, for CI's artifacts."""
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in node.name)
    FAILURES.mkdir(parents=True, exist_ok=True)
    try:
        browsing.page.screenshot(path=str(FAILURES / f"{name}.png"), full_page=True)
    except Exception as exc:  # the page may be gone: the failure itself matters more
        print(f"no failure screenshot for {node.nodeid}: {exc}")  # noqa: T201


@pytest.fixture(params=list(DEVICES))
def browse(request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer) -> Iterator[Browsing]:
    """A fresh page with JavaScript, at desktop and at phone size."""
    yield from _browsing(request, browser, live_server, javascript=True)


@pytest.fixture(params=list(DEVICES))
def browse_no_js(request: pytest.FixtureRequest, browser: Browser,
                 live_server: LiveServer) -> Iterator[Browsing]:
    """A fresh page with JavaScript turned off, at desktop and at phone size."""
    yield from _browsing(request, browser, live_server, javascript=False)


@pytest.fixture(scope="session")
def page_types() -> dict[str, tuple[str, int]]:
    return PAGE_TYPES


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
