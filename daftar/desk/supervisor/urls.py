from django.urls import URLPattern, URLResolver, path

from . import compliance, reports, violations, visits

app_name = "supervisor"

urlpatterns: list[URLPattern | URLResolver] = [
    # violations and notices
    path("violations/", violations.inbox, name="violations"),
    path("violations/new/", violations.record, name="violation_new"),
    path("violations/<int:pk>/", violations.violation_page, name="violation"),
    path("violations/<int:pk>/files/<int:file_id>/", violations.evidence_download, name="violation_file"),
    path("licences/<str:number>/notice/", violations.notice_new, name="notice_new"),
    path("notices/", violations.notices, name="notices"),
    path("notices/<int:pk>/", violations.notice_page, name="notice"),
    # end of violations and notices
    # reports, visits, compliance
    path("reports/", reports.inbox_page, name="reports"),
    path("reports/<int:pk>/", reports.report_page, name="report"),
    path("visits/", visits.visits_page, name="visits"),
    path("visits/new/", visits.find_licence, name="visit_find"),
    path("visits/new/<str:number>/", visits.assign_page, name="visit_new"),
    path("offices/", compliance.offices_page, name="offices"),
    path("offices/<int:pk>/", compliance.compliance_page, name="compliance"),
]
