from django.urls import URLPattern, URLResolver

app_name = "authority"

urlpatterns: list[URLPattern | URLResolver] = []
