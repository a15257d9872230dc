from django.urls import URLPattern, URLResolver

app_name = "supervisor"

urlpatterns: list[URLPattern | URLResolver] = []
