"""Staff screens of the core app (sign-in, two-factor, accounts, API keys, topics, audit)."""

app_name = "staff"
urlpatterns: list = []
