"""Response headers that keep personal data out of caches and scripts out of pages.

- ``Content-Security-Policy`` on every response: scripts, styles, images, fonts and requests only from
  the site itself (every asset ships with the package, so nothing else is ever needed), no framing,
  forms post only to the site. Inline scripts are refused; inline styles are allowed (the charts and the
  rate bars set widths inline).
- ``Cache-Control: no-store`` on every response to a logged-in user and on every response that sets
  or reads a session (personal data must not stay in a browser's or a proxy's cache). Static files are
  served by WhiteNoise before this middleware and keep their long cache lifetimes.
- ``Strict-Transport-Security`` comes from Django's SecurityMiddleware (``HSTS_SECONDS``), on HTTPS.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)
        personal = getattr(user, "is_authenticated", False) or "Cookie" in response.headers.get("Vary", "")
        if personal and "no-store" not in response.headers.get("Cache-Control", ""):
            add_never_cache_headers(response)  # Cache-Control: max-age=0, no-cache, no-store, …
        return response
