from django.urls import URLPattern, URLResolver

app_name = "municipal"

urlpatterns: list[URLPattern | URLResolver] = []
