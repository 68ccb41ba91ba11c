from django.urls import path

from users import views

app_name = "users"
urlpatterns = [
    # Trust administrators: who may use the portal, and what each may do.
    path("manage/users/", views.user_list, name="list"),
    path("manage/users/invite/", views.invite, name="invite"),
    path("manage/users/<int:pk>/", views.account, name="account"),
    path("manage/users/<int:pk>/invite-again/", views.invite_again, name="invite_again"),
    path(
        "manage/users/<int:pk>/<slug:change>/",
        views.change_status,
        name="change_status",
    ),
    # The invitation's link, for someone not yet signed in.
    path(
        "accounts/set-password/<uidb64>/<token>/",
        views.SetPassword.as_view(),
        name="set_password",
    ),
    path("accounts/password-set/", views.PasswordSet.as_view(), name="password_set"),
]
