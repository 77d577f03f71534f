"""Staff screens of the hotline, mounted at /staff/hotline/ (behind core.staff_access)."""

from django.urls import path

from . import views

app_name = "hotline"
urlpatterns = [
    path("", views.console, name="console"),
    path("lookup/", views.lookup_json, name="lookup"),
    path("calls/", views.call_list, name="calls"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/take/", views.take, name="take"),
    path("calls/<int:pk>/review/", views.review, name="review"),
    path("calls/<int:pk>/reveal/", views.reveal_number, name="reveal"),
    path("calls/<int:pk>/recording/", views.recording, name="recording"),
    path("review/", views.review_list, name="review_list"),
]
