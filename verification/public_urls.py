"""Public pages of the verification app (mounted at the site root)."""

from django.urls import path

from .views import public

app_name = "verdict_reply"
urlpatterns = [
    path("khieu-nai/<int:pk>/", public.reply_form, name="form"),
]
