from django.urls import URLPattern, URLResolver, path

from . import violations

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
]
