"""URL configuration: the HTML portal, the admin, the REST API v1 and its OpenAPI schema."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularSwaggerSplitView

from daftar.accounts import views as account_views
from daftar.licences import views as licence_views
from daftar.licences.api import public_key_pem_view
from daftar.ops import views as ops_views
from daftar.site import views as site_views
from daftar.site.schema import CachedSchemaView
from daftar.site.security_txt import security_txt

# Most-used first: Django tries the includes in order, and every miss costs (a public tariff
# table resolved after nine includes spent a fifth of its time finding its view; issue 7). No two
# of these includes share a path, so the order changes nothing else.
api_v1 = [
    path("", include("daftar.catalogue.api_urls")),  # the public tariff table
    path("", include("daftar.licences.public_api_urls")),  # public licence verification
    path("", include("daftar.applications.api_urls")),
    path("", include("daftar.accounts.api_urls")),
    path("", include("daftar.appointments.api_urls")),
    path("", include("daftar.rules.api_urls")),
    path("", include("daftar.licences.api_urls")),
    path("", include("daftar.assessments.api_urls")),
    path("", include("daftar.supervision.api_urls")),
    path("", include("daftar.inspections.api_urls")),
    path("", include("daftar.offices.api_urls")),
    path("", include("daftar.ledger.api_urls")),
    path("", include("daftar.revenue.api_urls")),
    path("", include("daftar.complaints.api_urls")),  # issue 21 §3
    path("", include("daftar.figures.api_urls")),  # public figures (issue 21 §5)
    path("", include("daftar.feedback.api_urls")),  # citizens' ratings (issue 22 §1)
    path("", include("daftar.hall.api_urls")),  # the walk-in queue (issue 22 §3)
    path("", include("daftar.scorecard.api_urls")),  # office scorecards (issue 22 §2)
]

urlpatterns = [
    path("", site_views.home, name="home"),
    path("", include("daftar.accounts.urls")),
    # before rules: its licences/<slug:code>/ would take licences/verify/ and licences/registry/
    path("", include("daftar.licences.urls")),
    # the home page's «استعلام مجوز» card resolves this global name (daftar.site.views.SECTIONS)
    path("licences/verify/", licence_views.verify_start, name="licence_verify"),
    path("", include("daftar.rules.urls")),
    path("calls/", include("daftar.applications.call_urls")),
    path("", include("daftar.applications.urls")),
    path("", include("daftar.assessments.urls")),
    path("", include("daftar.inspections.urls")),
    path("", include("daftar.offices.urls")),
    path("", include("daftar.catalogue.urls")),
    path("", include("daftar.ledger.urls")),
    path("", include("daftar.revenue.urls")),
    path("", include("daftar.appointments.urls")),
    path("", include("daftar.supervision.urls")),  # the holder's notices and reports
    path("", include("daftar.complaints.urls")),  # issue 21 §3: complaints and the supervisors' inbox
    path("", include("daftar.feedback.urls")),  # issue 22 §1: the SMS link, the office's figures, held comments
    path("", include("daftar.hall.urls")),  # issue 22 §3: the counters, the kiosk, the hall display, a ticket's page
    path("", include("daftar.scorecard.urls")),  # issue 22 §2: an office's scorecard, the supervisor's ranking
    path("figures/", include("daftar.figures.urls")),  # public figures per municipality (issue 21 §5)
    # the municipal staff's desk (issue 18): one namespace per role
    path("desk/authority/", include("daftar.desk.authority.urls")),
    path("desk/supervision/", include("daftar.desk.supervisor.urls")),
    path("desk/municipality/", include("daftar.desk.municipal.urls")),
    path("desk/portal/", include("daftar.portal.urls")),  # the national portal's outbox (issue 21)
    path("licences/public-key.pem", public_key_pem_view, name="licences-public-key-pem"),
    # the login captcha's picture and sound (django-simple-captcha's own views are not routed:
    # its refresh minted captchas without limit; decision 0028)
    path("captcha/image/<str:key>/", account_views.captcha_image, name="captcha-image"),
    path("captcha/audio/<str:key>.wav", account_views.captcha_audio, name="captcha-audio"),
    path(".well-known/security.txt", security_txt, name="security-txt"),
    # operations (issue 20; API.md «Operations»): answered first by daftar.ops.middleware.OpsMiddleware
    path("health/live", ops_views.live, name="health-live"),
    path("health/ready", ops_views.ready, name="health-ready"),
    path("metrics", ops_views.metrics_view, name="metrics"),
    # the catalogue's admin pages had the former services app's paths (decision 0025)
    path("admin/services/", RedirectView.as_view(url="/admin/catalogue/", permanent=True, query_string=True)),
    path(
        "admin/services/<path:rest>",
        RedirectView.as_view(url="/admin/catalogue/%(rest)s", permanent=True, query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("api/", site_views.api_index, name="api-index"),
    path("api/v1/hello", site_views.hello, name="api-hello"),  # bench baseline, not in the schema (issue 7)
    path("api/v1/", include(api_v1)),
    # built once per process and served from memory, throttled (issue 17; daftar/site/schema.py)
    path("api/schema/", CachedSchemaView.as_view(), name="api-schema"),
    # Swagger UI with its script served apart from the page: no inline script or style, under
    # the same CSP as every page (config/settings/base.py). ReDoc is gone (issue 8): it injects
    # <style> elements and loads its logo from another host; its old address leads here.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", RedirectView.as_view(pattern_name="api-docs", permanent=True), name="api-redoc"),
]

handler400 = "daftar.site.views.bad_request"
handler403 = "daftar.site.views.forbidden"
handler404 = "daftar.site.views.not_found"
handler500 = "daftar.site.views.server_error"
