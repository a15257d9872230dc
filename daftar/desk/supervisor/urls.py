from django.urls import URLPattern, URLResolver, path

from . import compliance, reports, visits

app_name = "supervisor"

urlpatterns: list[URLPattern | URLResolver] = [
    # reports, visits, compliance
    path("reports/", reports.inbox_page, name="reports"),
    path("reports/<int:pk>/", reports.report_page, name="report"),
    path("visits/", visits.visits_page, name="visits"),
    path("visits/new/", visits.find_licence, name="visit_find"),
    path("visits/new/<str:number>/", visits.assign_page, name="visit_new"),
    path("offices/", compliance.offices_page, name="offices"),
    path("offices/<int:pk>/", compliance.compliance_page, name="compliance"),
]
