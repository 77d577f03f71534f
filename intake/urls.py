from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("phan-anh/", views.report_form, name="report"),
    path("theo-doi/", views.status_lookup, name="status_lookup"),
    path("theo-doi/<str:code>/", views.status_page, name="status"),
]
