"""The portal shell: Persian RTL pages, self-hosted assets, the OpenAPI schema and docs."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//""")


def test_home_page_is_persian_rtl_and_links_login(client):
    html = client.get("/").content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert "سامانهٔ دفاتر خدمات الکترونیک شهر" in html
    assert 'href="/login/"' in html and ">ورود<" in html
    for section in ("فهرست مجوزها و شرایط", "یافتن دفتر", "استعلام مجوز"):
        assert section in html
    assert "vendor/vazirmatn" not in html  # fonts come through css/fonts.css
    assert "vendor/bootstrap/bootstrap.rtl.min.css" in html


@pytest.mark.parametrize("path", ["/", "/login/", "/api/docs/", "/api/redoc/"])
def test_pages_load_nothing_from_another_host(client, path):
    html = client.get(path, follow=True).content.decode()
    assert not EXTERNAL.findall(html), EXTERNAL.findall(html)


def test_openapi_schema_describes_the_login_api(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    import json

    schema = json.loads(response.content)
    for path in ("/api/v1/auth/captcha", "/api/v1/auth/otp/request", "/api/v1/auth/otp/verify", "/api/v1/me"):
        assert path in schema["paths"], path
    assert "202" in schema["paths"]["/api/v1/auth/otp/request"]["post"]["responses"]


def test_unknown_page_is_a_persian_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404


def test_jalali_filter_shows_persian_digits():
    import datetime as dt

    from django.template import Context, Template

    html = Template("{{ d|jalali }}|{{ n|fa_digits }}").render(Context({"d": dt.date(2025, 11, 24), "n": 120}))
    assert html == "۱۴۰۴/۰۹/۰۳|۱۲۰"


KEY_DIR = ROOT / "var" / "test-keys"


def _signing_key() -> str:
    """A licence signing key the production check can find (created once by the test settings)."""
    from daftar.licences import signing

    path = KEY_DIR / "licence-ed25519.pem"
    if not path.exists():
        signing._create_key(path)
    return str(path)


def _check_deploy(
    extra_env: dict[str, str], command: tuple[str, ...] = ("check", "--deploy", "--fail-level", "WARNING")
) -> subprocess.CompletedProcess[str]:
    import os

    # the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (set in this process when one ran earlier on
    # the same worker) is no part of a deployment: async.E001 would fail the check
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DAFTAR_SECRET_KEY": "k" * 20 + "-production-secret-for-the-check-only-0123456789",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/daftar",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "DAFTAR_ALLOWED_HOSTS": "daftar.example.ir",
        "DAFTAR_SECURITY_CONTACT": "mailto:amniat@tehran.ir",
        "DAFTAR_SMS_BACKEND": "http",
        "DAFTAR_SMS_HTTP_URL": "https://sms.example.ir/send",
        "DAFTAR_LICENCE_SIGNING_KEY_FILE": _signing_key(),
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy():
    result = _check_deploy({})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"DAFTAR_SMS_BACKEND": "file"}, "daftar.E001"),
        ({"DAFTAR_CAPTCHA_TEST_MODE": "1"}, "daftar.E002"),
        ({"DAFTAR_LICENCE_SIGNING_KEY_FILE": "/nonexistent/licence.pem"}, "daftar.E003"),
        ({"DAFTAR_SECURITY_CONTACT": "mailto:security@daftar.example.ir"}, "daftar.W001"),
    ],
)
def test_development_conveniences_fail_check_deploy(extra, error):
    result = _check_deploy(extra)
    assert result.returncode != 0 and error in result.stderr + result.stdout


def test_query_strings_are_normalised(rf):
    from django.http import HttpResponse

    from daftar.runtime.middleware import PersianQueryMiddleware

    seen = {}

    def view(request):
        seen.update(request.GET.dict())
        return HttpResponse()

    PersianQueryMiddleware(view)(rf.get("/", {"q": " دفتر خدمات الكترونيك ", "page": "۲"}))
    assert seen == {"q": "دفتر خدمات الکترونیک", "page": "2"}


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "10.0.0.1"),  # no proxy trusted: a forged header changes nothing
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the client forged the first entry; the proxy added the last
        (2, "1.2.3.4, 172.16.0.2", "1.2.3.4"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(rf, settings, proxies, forwarded, expected):
    from daftar.runtime.ratelimit import client_address

    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.1")
    assert client_address(request) == expected


def test_production_serves_the_security_headers_and_safe_cookies():
    """Issue 8 (docs/security.md): in production settings, over HTTPS behind the proxy, a page
    carries HSTS, the CSP (own host only, no framing), Referrer-Policy, nosniff and
    X-Frame-Options; the session and CSRF cookies are Secure and HttpOnly."""
    script = (
        "from django.test import Client, override_settings; from django.conf import settings as s; import json;"
        "r = override_settings(ROOT_URLCONF='daftar.site.tests.headers_urls')(Client().get)("
        "'/', secure=True, HTTP_HOST='daftar.example.ir');"
        "print(json.dumps({'status': r.status_code, 'headers': dict(r.headers),"
        " 'cookies': {k: {'secure': bool(v['secure']), 'httponly': bool(v['httponly']),"
        " 'samesite': v['samesite']} for k, v in r.cookies.items()},"
        " 'session': [s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY],"
        " 'idle': s.SESSION_IDLE_SECONDS, 'absolute': s.SESSION_COOKIE_AGE}))"
    )
    result = _check_deploy({}, command=("shell", "-c", script))
    assert result.returncode == 0, result.stderr
    import json

    seen = json.loads(result.stdout.strip().splitlines()[-1])
    headers = seen["headers"]
    assert seen["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csp = dict(d.strip().split(" ", 1) for d in headers["Content-Security-Policy"].split(";"))
    assert csp["default-src"] == csp["script-src"] == csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert (
        "unsafe-inline" not in headers["Content-Security-Policy"] and "nonce" not in headers["Content-Security-Policy"]
    )
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    policy = dict(d.strip().split("=", 1) for d in headers["Permissions-Policy"].split(","))
    assert {policy[f] for f in ("camera", "microphone", "geolocation", "payment", "usb")} == {"()"}
    assert seen["cookies"]["csrftoken"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert seen["session"] == [True, True]
    assert 0 < seen["idle"] < seen["absolute"]


def test_production_serves_static_files_to_its_own_pages_only():
    """Issue 17: whitenoise, as the production settings configure it, answers a stylesheet and
    a font without ``Access-Control-Allow-Origin: *`` (every page uses them from its own origin),
    and with the Permissions-Policy of every answer."""
    script = (
        "import json; from django.test import RequestFactory; from django.conf import settings as s;"
        "from django.utils.module_loading import import_string as i;"
        "from whitenoise.middleware import WhiteNoiseMiddleware as W;"
        "mw = W(lambda r: None); mw.add_files(str(s.STATICFILES_DIRS[0]), prefix='static/');"
        "pp = i('daftar.runtime.middleware.PermissionsPolicyMiddleware')(mw);"
        "out = {p: dict(pp(RequestFactory().get(p, HTTP_ORIGIN='https://elsewhere.example')).headers)"
        " for p in ('/static/css/app.css', '/static/vendor/vazirmatn/Vazirmatn-Regular.woff2')};"
        "print(json.dumps({'allow_all': s.WHITENOISE_ALLOW_ALL_ORIGINS, 'middleware': s.MIDDLEWARE, 'out': out}))"
    )
    result = _check_deploy({}, command=("shell", "-c", script))
    assert result.returncode == 0, result.stderr
    import json

    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["allow_all"] is False
    # outside them only the health/metrics answers and django-prometheus's timer (issue 20), then
    # the request id of every other answer (issue 20)
    assert seen["middleware"][:6] == [
        "daftar.ops.middleware.OpsMiddleware",
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        "daftar.runtime.logging_middleware.RequestIdMiddleware",
        "daftar.runtime.middleware.PermissionsPolicyMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ]
    for path, headers in seen["out"].items():
        assert "Access-Control-Allow-Origin" not in headers, path
        assert "camera=()" in headers["Permissions-Policy"], path


def test_every_answer_denies_the_camera_microphone_and_position(client):
    for path in ("/", "/login/", "/offices/", "/api/v1/calls", "/api/schema/", "/no-such-page/"):
        header = client.get(path).headers.get("Permissions-Policy", "")
        assert {"camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"} <= set(header.split(", ")), path


def test_every_page_and_api_answer_carries_the_csp(client):
    for path in ("/", "/login/", "/api/v1/calls", "/api/schema/", "/no-such-page/"):
        header = client.get(path).headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in header and "frame-ancestors 'none'" in header, path


def test_security_txt_says_where_to_report_a_vulnerability(client, settings):
    settings.SECURITY_CONTACT = "mailto:amniat@tehran.example.ir"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:amniat@tehran.example.ir"
    assert fields["Expires"] > timezone.now().isoformat()[:10]  # in the future (RFC 9116 §2.5.5)
    assert fields["Canonical"] == "http://testserver/.well-known/security.txt"
    assert (timezone.now() + dt.timedelta(days=170)).isoformat()[:10] < fields["Expires"][:10]
    assert fields["Expires"][:10] < (timezone.now() + dt.timedelta(days=365)).isoformat()[:10]
    settings.SITE_URL = "https://daftar.tehran.ir"
    canonical = client.get("/.well-known/security.txt").content.decode()
    assert "Canonical: https://daftar.tehran.ir/.well-known/security.txt" in canonical
    assert client.post("/.well-known/security.txt").status_code == 405
