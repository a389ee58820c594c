from django.urls import path

from fazhi.accounts import token_views, views, views_totp

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("login/code/", views_totp.totp_verify, name="totp_verify"),
    path("totp/", views_totp.totp_enrol, name="totp"),
    path("switch/", views.switch_unit, name="switch"),
    path("password/", views.password_change, name="password_change"),
    path("users/", views.account_list, name="user_list"),
    path("users/new/", views.account_create, name="user_create"),
    path("users/<int:pk>/", views.account_detail, name="user_detail"),
    path(
        "users/<int:pk>/disable/", views.account_set_active, {"active": False}, name="user_disable"
    ),
    path("users/<int:pk>/enable/", views.account_set_active, {"active": True}, name="user_enable"),
    path("users/<int:pk>/password/", views.account_password_reset, name="user_password_reset"),
    path("tokens/", token_views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
]
