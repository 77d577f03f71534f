"""Staff screens of the verification desk."""

app_name = "desk"
urlpatterns: list = []
