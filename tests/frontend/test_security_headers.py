"""The dashboard's own hardening on the real production build: the backend's security headers,
a Content-Security-Policy Reflex runs under without a single violation, no foreign origins."""

import base64
import hashlib
import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from kit.http import SECURITY_HEADERS
from tests.frontend import test_deals_flow
from tests.frontend.conftest import Servers
from tests.frontend.test_deals_flow import Seller, create_deals_by_api, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# A registered user who owns a workspace with the default pipeline and no deals.
seller = test_deals_flow.seller

EVIL = "https://evil.example"
PAGES = ["/login/", "/register/", "/", "/deals/", "/settings/", "/settings/api-keys/"]
# Every header the backend sends, the same value; the policy is the dashboard's own.
SAME_AS_BACKEND = {
    name.decode(): value.decode()
    for name, value in SECURITY_HEADERS
    if name != b"content-security-policy"
}
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\ssrc\s*=)[^>]*>(.*?)</script>", re.DOTALL)
CSP_VIOLATION = re.compile(r"Content[ -]Security[ -]Policy", re.IGNORECASE)


def directives(policy: str) -> dict[str, list[str]]:
    parsed = (part.split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in parsed}


def assert_hardened(response: httpx.Response) -> dict[str, list[str]]:
    for name, value in SAME_AS_BACKEND.items():
        assert response.headers.get(name) == value, (response.url, name)
    policy = directives(response.headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["connect-src"] == ["'self'"]
    return policy


@pytest.fixture(scope="module")
def http(servers: Servers) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=servers.frontend_url, timeout=10) as client:
        yield client


@pytest.mark.parametrize("path", PAGES)
def test_each_page_carries_the_headers_and_may_run_only_its_own_inline_scripts(
    http: httpx.Client, path: str
) -> None:
    response = http.get(path, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    scripts = set(assert_hardened(response)["script-src"])
    inline = INLINE_SCRIPT.findall(response.text)
    assert inline, "Reflex pages hydrate from inline scripts"
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in scripts
    # The compressed page (what browsers get) has the very same policy.
    compressed = http.get(path, headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["content-encoding"] == "gzip"
    assert (
        compressed.headers["content-security-policy"]
        == (response.headers["content-security-policy"])
    )


def test_assets_redirects_and_probes_carry_the_headers(http: httpx.Client) -> None:
    page = http.get("/login/")
    asset = re.search(r'href="(/assets/[^"]+\.js)"', page.text)
    assert asset, page.text[:500]
    for response in [http.get(asset.group(1)), http.get("/ping"), http.get("/login")]:
        assert response.status_code < 400, response.url
        assert_hardened(response)


def test_a_revalidated_page_keeps_the_policy_cached_with_it(http: httpx.Client) -> None:
    """A 304 has no body to hash: it must not replace the page's policy with a narrower one."""
    page = http.get("/login/")
    again = http.get("/login/", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304
    assert "content-security-policy" not in again.headers
    assert again.headers["x-frame-options"] == "DENY"


def test_a_foreign_origin_is_not_reflected_nor_let_onto_the_event_socket(
    http: httpx.Client, servers: Servers
) -> None:
    evil = {"Origin": EVIL, "Cookie": "session=1"}
    simple = http.get("/ping", headers=evil)
    assert "access-control-allow-origin" not in simple.headers
    preflight = http.options("/ping", headers={**evil, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    socket = http.get("/_event/", params={"EIO": "4", "transport": "websocket"}, headers=evil)
    assert socket.status_code == 400
    assert "not an accepted origin" in socket.text
    # The dashboard's own origin still is.
    own = http.get("/ping", headers={"Origin": servers.frontend_url})
    assert own.headers["access-control-allow-origin"] == servers.frontend_url


def watch_for_csp_violations(page: Page) -> list[str]:
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if CSP_VIOLATION.search(message.text):
            violations.append(message.text)

    page.on("console", on_console)
    return violations


def test_signing_in_and_browsing_raises_no_csp_violation(
    servers: Servers, seller: Seller, page: Page
) -> None:
    [deal_id] = create_deals_by_api(servers, seller, ("Globex expansion", "25000"))
    violations = watch_for_csp_violations(page)
    base = servers.frontend_url

    sign_in(page, base, seller.email)
    expect(page.get_by_test_id("user-name")).to_have_text("Ada Seller")
    page.get_by_test_id("nav-deals").click()
    expect(page).to_have_url(re.compile(r"/deals$"))
    expect(page.get_by_text("Globex expansion")).to_be_visible()
    # The deal page runs `rx.call_script` (Reflex evaluates it): it must still work.
    page.goto(f"{base}/deals/{deal_id}")
    expect(page.get_by_test_id("deal-title")).to_have_text("Globex expansion")
    page.get_by_test_id("nav-settings").click()
    expect(page).to_have_url(re.compile(r"/settings$"))
    expect(page.get_by_test_id("member-row")).to_have_count(1)
    page.goto(f"{base}/settings/api-keys")
    expect(page.get_by_test_id("user-name")).to_have_text("Ada Seller")
    page.goto(f"{base}/")
    expect(page.get_by_test_id("user-name")).to_have_text("Ada Seller")

    assert violations == []


def test_an_injected_inline_script_is_refused(servers: Servers, page: Page) -> None:
    """The policy is enforced, so the test above could see a violation."""
    page.goto(f"{servers.frontend_url}/login")
    expect(page.get_by_test_id("login-submit")).to_be_visible()
    refused = page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener(
                "securitypolicyviolation", (event) => resolve(event.effectiveDirective)
            );
            setTimeout(() => resolve("no violation"), 5000);
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.appendChild(script);
        })"""
    )
    assert refused == "script-src-elem"
    assert page.evaluate("() => window.injected === undefined")
