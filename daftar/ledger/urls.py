from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("offices/<int:pk>/transactions/", views.transactions, name="transactions"),
    path("offices/<int:pk>/transactions/amount/", views.transaction_amount, name="transaction_amount"),
    path("offices/<int:pk>/transactions/close/", views.day_close_view, name="day_close"),
]
