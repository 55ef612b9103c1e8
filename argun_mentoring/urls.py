from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from argun_mentoring.health import healthz
from core.accounts import views as views_accounts
from roadmap.views import pages as roadmap_pages

admin.site.site_header = "Дорожная карта ЦМН: администрирование"
admin.site.site_title = "Администрирование"
admin.site.index_title = "Справочники и данные"

urlpatterns = [
    path("", roadmap_pages.home, name="home"),
    path("login/", views_accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("core.accounts.urls")),
    path("roadmaps/", include("roadmap.urls")),
    path("registry/", include("registry.urls")),
    path("monitoring/", include("monitoring.urls")),
    # One password change for everyone: the admin's own page leads to the product's.
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="accounts:password_change", permanent=False),
    ),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
