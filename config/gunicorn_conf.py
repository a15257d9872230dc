"""gunicorn's configuration for daftar: ``gunicorn -c python:config.gunicorn_conf config.wsgi``
(scripts/run_prod.sh; README «Production»). Command-line options still win over these.

No ``Server`` banner (issue 17 §8): gunicorn writes ``Server: gunicorn`` into every answer
itself, before the application's headers, and has no setting to leave it out. Its response
class is given a ``default_headers`` without that line here, in the master before it forks, so
every worker inherits it. ``daftar/site/tests/test_gunicorn_banner.py`` starts a real gunicorn
with this file and reads the raw answer, so a gunicorn release that moves the line is caught.
"""

from __future__ import annotations

from typing import Any

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server(self: Any) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server  # type: ignore[method-assign]
