"""Browser-test harness: a live server on the test app and a headless Debian Chromium.

Every test here is marked ``browser`` and runs on SQLite only (the ``app`` fixture uses a SQLite
*file*, so the server thread sees what the test committed). Without Chromium the folder is
skipped locally; with ``CI`` set, a missing Chromium is an error.

Data set up by a test must be committed (``db.session.commit()``) before the browser acts; each
request in the server thread pushes its own app context and so gets its own database session.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
import traceback
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
DEFAULT_TIMEOUT_MS = 10_000
PASSWORD = "password123"


def _chromium_path() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _in_this_folder(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def _missing_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if _chromium_path() is None:
        return "Chromium not found (/usr/bin/chromium or `chromium` on PATH; apt install chromium)"
    return None


def require_browser_deps() -> None:
    """Call at the top of a test module before importing Playwright: skip locally, fail in CI."""
    reason = _missing_reason()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)


def pytest_collection_modifyitems(config, items):
    reason = _missing_reason()
    for item in items:
        if not _in_this_folder(item):
            continue
        item.add_marker(pytest.mark.browser)
        if reason and not os.environ.get("CI"):
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))
        # In CI a missing Chromium is not skipped: the `chromium_browser` fixture fails loudly.


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session", autouse=True)
def _sqlite_only(backend):
    """Browser tests exercise the UI, not the database: one backend keeps CI time low.

    Session-scoped so that it runs before the session-scoped `_app` is built on PostgreSQL.
    """
    if backend != "sqlite":
        pytest.skip("browser tests run on SQLite only")


# --- live server ---------------------------------------------------------------------------


class _ErrorRecorder:
    """WSGI wrapper that remembers exceptions escaping the app (a bare 500 in the browser)."""

    def __init__(self, app):
        self.app = app
        self.errors: list[str] = []

    def __call__(self, environ, start_response):
        try:
            return self.app(environ, start_response)
        except Exception:
            self.errors.append(f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}\n"
                               f"{traceback.format_exc()}")
            raise


@pytest.fixture
def live_server(app, db):
    """Serve the test `app` on 127.0.0.1:<free port> in a daemon thread; yield its base URL.

    Requests run in the server's threads, each in its own app context and database session;
    an exception that escapes the app fails the test with the server-side traceback.
    """
    from werkzeug.serving import make_server

    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"), \
        "the live server needs a database file that its own thread can open"
    db.session.commit()  # anything the test has set up so far is visible to the server
    recorder = _ErrorRecorder(app)
    server = make_server("127.0.0.1", 0, recorder, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    if recorder.errors:
        pytest.fail("the live server raised:\n" + "\n".join(recorder.errors), pytrace=False)


# --- Playwright ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Chromium per test session (per xdist worker)."""
    reason = _missing_reason()
    if reason:
        pytest.fail(f"CI is set but browser tests cannot run: {reason}", pytrace=False)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS,
                                     headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium_browser, live_server, request):
    """Factory for pages in fresh contexts (separate cookies: one per user in a test).

    Contexts close before the live server stops; on a failed test each page leaves a
    screenshot and its HTML in test-artifacts/.
    """
    contexts = []

    def make(locale: str = "vi-VN", width: int = 1280, height: int = 900):
        context = chromium_browser.new_context(base_url=live_server, locale=locale,
                                               viewport={"width": width, "height": height},
                                               is_mobile=width < 576, has_touch=width < 576)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make

    failed = any(getattr(getattr(request.node, f"rep_{when}", None), "failed", False)
                 for when in ("setup", "call"))
    if failed:
        out = Path(request.config.rootpath) / "test-artifacts"
        out.mkdir(exist_ok=True)
        stem = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        for i, context in enumerate(contexts):
            for j, pg in enumerate(context.pages):
                name = f"{stem}-{i}{j}"
                try:
                    pg.screenshot(path=str(out / f"{name}.png"), full_page=True)
                    (out / f"{name}.html").write_text(pg.content(), encoding="utf-8")
                except Exception as exc:  # a crashed page must not hide the real failure
                    print(f"could not save {name}: {exc}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh Vietnamese browser context, its base URL set to the live server."""
    return new_page()


def login(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the form by its visible Vietnamese labels and wait for the menu."""
    from playwright.sync_api import expect

    page.goto(f"{base_url}/login")
    page.get_by_label("Tên đăng nhập", exact=True).fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    # The user's name sits in the menu, which a phone-sized page keeps collapsed (hidden
    # elements have no role, so the logout button cannot be waited for there).
    expect(page.get_by_test_id("whoami")).to_be_attached()


# --- accessibility (axe-core from the npm registry) -------------------------------------------

#: Where scripts/test.sh installs axe-core (`npm install --prefix .cache/npm axe-core@4`).
AXE_JS = HERE.parent.parent / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
#: The impacts that fail a page (issue 15: no serious or critical violation).
AXE_FAILING = ("serious", "critical")


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is now and return its
    serious and critical violations. The script is evaluated through the DevTools protocol,
    which the page's CSP (script-src 'self') does not govern; the page itself is unchanged."""
    if not AXE_JS.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but axe-core is missing at {AXE_JS} "
                        "(scripts/test.sh installs it with npm)", pytrace=False)
        pytest.skip("axe-core is not installed (npm install --prefix .cache/npm axe-core@4)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("""() => axe.run(document, {
        runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        resultTypes: ["violations"]})""")
    return [v for v in result["violations"] if v.get("impact") in AXE_FAILING]


def describe_violations(violations: list[dict]) -> str:
    """One line per violation and the first nodes it names, for the assertion message."""
    lines = []
    for v in violations:
        targets = "; ".join(" ".join(n["target"]) if isinstance(n["target"], list)
                            else str(n["target"]) for n in v["nodes"][:4])
        lines.append(f"{v['impact']}: {v['id']} ({v['help']}) x{len(v['nodes'])}: {targets}")
    return "\n".join(lines)
