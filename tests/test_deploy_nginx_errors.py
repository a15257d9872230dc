"""nginx's own answers in Persian (deploy/nginx/): a body over the limit (413), the outer request
limit (429: the page for a browser, JSON with Retry-After for the API), and no replica to answer
(502, 503, 504). Read from the very files the image is built from, no Docker needed: every
``error_page`` has its page, the pages are served only internally, the image copies them where
the site looks, and each page is a self-contained Persian right-to-left document that loads
nothing, its one inline style allowed by the hash in the site's Content-Security-Policy. Where
an ``nginx`` binary is installed, the rendered site also passes ``nginx -t``."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NGINX = ROOT / "deploy" / "nginx"
TEMPLATE = NGINX / "daftar.conf.template"
PAGES = NGINX / "errors"
CODES = ("413", "429", "502", "503", "504")
PERSIAN = re.compile(r"[\u0600-\u06FF]")


def _site() -> str:
    """The HTTPS server block of the template (the HTTP one only redirects)."""
    text = TEMPLATE.read_text(encoding="utf-8")
    return text[text.index("listen ${NGINX_HTTPS_PORT}") :]


def _directives(name: str, text: str) -> list[list[str]]:
    return [
        line.split()[1:]
        for line in (raw.strip().rstrip(";") for raw in text.splitlines())
        if line.startswith(f"{name} ")
    ]


def _block(text: str, opening: str) -> str:
    """The body of the block that starts with ``opening`` (braces counted)."""
    start = text.index(opening)
    depth, i = 0, text.index("{", start)
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[i + 1 : j]
    raise AssertionError(f"{opening} is not closed")


def _csp() -> str:
    found = re.search(r'add_header Content-Security-Policy "([^"]+)" always;', _block(_site(), "location ^~ /_errors/"))
    assert found, "the error pages' location sets no Content-Security-Policy"
    return found.group(1)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "link", "br", "img", "input"):
            self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "style":
            self.styles.append(data)
        elif data.strip():
            self.text.append(data.strip())


def _page(code: str) -> tuple[_Page, str]:
    raw = (PAGES / f"{code}.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(raw)
    return page, raw


def test_every_error_nginx_answers_itself_has_its_persian_page() -> None:
    site = _site()
    targets = {}
    for args in _directives("error_page", site):
        *codes, target = args
        for code in codes:
            targets[code] = target
    assert set(CODES) <= set(targets), targets
    for code in ("413", "502", "503", "504"):
        assert targets[code] == f"/_errors/{code}.html", (code, targets[code])  # no «=»: the code stays
    # 429: a browser gets the page, any other client the JSON answer, both with Retry-After
    assert targets["429"] == "$daftar_too_many"
    text = TEMPLATE.read_text(encoding="utf-8")
    choice = _block(text, "map $http_accept $daftar_too_many")
    assert re.search(r"default\s+@too_many;", choice) and re.search(r'"~\*text/html"\s+/_errors/429\.html;', choice)
    json = _block(site, "location @too_many")
    assert "default_type application/json;" in json and "add_header Retry-After 2 always;" in json
    assert re.search(r"return 429 '\{\"detail\": \"[^']*دوباره بکوشید[^']*\"\}';", json)
    assert re.search(r"\b429\s+2;", _block(text, "map $status $daftar_retry_after"))
    # the pages: internal only, from where the image puts them, with the request's id
    errors = _block(site, "location ^~ /_errors/")
    assert "internal;" in errors and "alias /etc/nginx/errors/;" in errors
    assert "add_header Retry-After $daftar_retry_after always;" in errors
    assert "add_header X-Request-ID $request_id always;" in errors
    # else over HTTP/2 the 413's own page is refused for the same body, and nginx's English shows
    assert "client_max_body_size 0;" in errors
    assert "proxy_intercept_errors on" not in text  # the app's own errors (its 503 page) pass through
    dockerfile = (ROOT / "deploy" / "services.Dockerfile").read_text(encoding="utf-8")
    nginx_stage = dockerfile[dockerfile.index("AS nginx") :]
    assert "COPY deploy/nginx/errors/ /etc/nginx/errors/" in nginx_stage
    for code in CODES:
        assert (PAGES / f"{code}.html").is_file(), code


@pytest.mark.parametrize("code", CODES)
def test_each_page_is_persian_right_to_left_and_loads_nothing(code: str) -> None:
    page, raw = _page(code)
    assert raw.startswith("<!doctype html>")
    html = next(attrs for tag, attrs in page.tags if tag == "html")
    assert html.get("lang") == "fa" and html.get("dir") == "rtl"
    assert ("meta", {"charset": "utf-8"}) in page.tags
    assert any(tag == "meta" and attrs.get("name") == "viewport" for tag, attrs in page.tags)
    tags = [tag for tag, _ in page.tags]
    assert tags.count("title") == 1 and tags.count("h1") == 1 and "main" in tags
    # nothing to fetch: no script, stylesheet, image, frame or form; one link, home
    assert not {"script", "link", "img", "iframe", "object", "embed", "form", "base"} & set(tags)
    assert [attrs.get("href") for tag, attrs in page.tags if tag == "a"] == ["/"]
    assert not [a for _, attrs in page.tags for a in attrs if a == "src" or a.startswith("on") or a == "style"]
    assert not re.search(r"https?:|//|url\(|@import", "".join(page.styles))
    assert not re.search(r"https?://", raw)
    # Persian words, Persian digits (no Latin digit in what is read)
    words = " ".join(page.text)
    assert len(PERSIAN.findall(words)) > 100, words
    assert not re.search(r"[0-9]", words), words
    assert "۰۱۲۳۴۵۶۷۸۹"[int(code[0])] in words
    # its one inline style is the one the CSP allows, and the CSP allows nothing else to load
    assert len(page.styles) == 1
    digest = base64.b64encode(hashlib.sha256(page.styles[0].encode("utf-8")).digest()).decode()
    csp = _csp()
    assert f"style-src 'sha256-{digest}'" in csp, "the page's style changed: update its hash in daftar.conf.template"
    assert "default-src 'none'" in csp and "form-action 'none'" in csp and "frame-ancestors 'none'" in csp


def test_the_upload_page_names_the_limit_nginx_keeps() -> None:
    page, _ = _page("413")
    assert "۱۲ مگابایت" in " ".join(page.text)
    entrypoint = (NGINX / "entrypoint.sh").read_text(encoding="utf-8")
    assert '"${NGINX_MAX_BODY:=12m}"' in entrypoint, "the 413 page says 12 MB: change both together"


def test_the_429_page_says_to_wait_a_few_seconds() -> None:
    page, _ = _page("429")
    words = " ".join(page.text)
    assert "چند ثانیه" in words and "دوباره بکوشید" in words


@pytest.mark.skipif(
    shutil.which("nginx") is None, reason="no nginx binary here (the image checks its site with nginx -t on start)"
)
@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl to make the test certificate nginx -t loads")
def test_the_rendered_site_passes_nginx_t(tmp_path: Path) -> None:
    """The template rendered as deploy/nginx/entrypoint.sh renders it (its defaults), into a
    throwaway nginx.conf under ``tmp_path`` that points at this checkout's error pages."""
    tls = tmp_path / "tls"
    tls.mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(tls / "key.pem"), "-out", str(tls / "cert.pem")],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    values = {
        "NGINX_HTTP_PORT": "18080",
        "NGINX_HTTPS_PORT": "18443",
        "NGINX_SERVER_NAME": "_",
        "NGINX_RATE_PER_ADDRESS": "50r/s",
        "NGINX_BURST_PER_ADDRESS": "100",
        "NGINX_MAX_BODY": "12m",
        "NGINX_UPSTREAM_SERVERS": "    server 127.0.0.1:8101 max_fails=1 fail_timeout=5s;\n",
        "NGINX_HTTPS_SUFFIX": ":18443",
    }
    site = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        site = site.replace("${" + name + "}", value)
    assert not re.search(r"\$\{NGINX_[A-Z_]+\}", site)
    site = site.replace("/etc/nginx/tls/", f"{tls}/").replace("/etc/nginx/errors/", f"{PAGES}/")
    site = site.replace("access_log /dev/stdout", f"access_log {tmp_path}/access.log")
    (tmp_path / "daftar.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    client_body_temp_path {tmp_path}/body;\n    include {tmp_path}/daftar.conf;\n}}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr
