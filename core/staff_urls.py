"""Staff screens of the core app (sign-in, two-factor, accounts, API keys, topics, audit).

Mounted at /staff/; every URL here and below /staff/ is guarded by
core.staff_access.StaffAccessMiddleware (sign-in, role, two-factor), and each view checks
its own action (core.roles.staff_required).
"""

from django.urls import path

from .staff_views import accounts, api_keys, audit_log, auth, contacts, home, topics

app_name = "staff"
urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.StaffLoginView.as_view(), name="login"),
    path("logout/", auth.StaffLogoutView.as_view(), name="logout"),
    path("2fa/setup/", auth.otp_setup, name="otp_setup"),
    path("2fa/verify/", auth.otp_verify, name="otp_verify"),
    path("password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("password/set/<uidb64>/<token>/", auth.PasswordSetView.as_view(), name="password_set"),
    path("password/set/done/", auth.password_set_done, name="password_set_done"),
    path("accounts/", accounts.account_list, name="accounts"),
    path("accounts/new/", accounts.account_create, name="account_create"),
    path("accounts/<int:pk>/", accounts.account_detail, name="account_detail"),
    path("accounts/<int:pk>/deactivate/", accounts.account_set_active, {"active": False},
         name="account_deactivate"),
    path("accounts/<int:pk>/reactivate/", accounts.account_set_active, {"active": True},
         name="account_reactivate"),
    path("accounts/<int:pk>/reset-2fa/", accounts.account_reset_two_factor, name="account_reset_2fa"),
    path("accounts/<int:pk>/password-link/", accounts.account_password_link, name="account_password_link"),
    path("accounts/<int:pk>/password/", accounts.account_set_password, name="account_set_password"),
    path("api-keys/", api_keys.api_keys, name="api_keys"),
    path("api-keys/<int:pk>/revoke/", api_keys.api_key_revoke, name="api_key_revoke"),
    path("topics/", topics.topic_list, name="topics"),
    path("topics/<str:code>/", topics.topic_edit, name="topic_edit"),
    path("audit/", audit_log.audit_log, name="audit"),
    path("reports/<int:pk>/reveal-contact/", contacts.reveal_report_contact, name="reveal_contact"),
]
