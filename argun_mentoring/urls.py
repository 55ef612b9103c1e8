from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from argun_mentoring.health import healthz
from roadmap import views as roadmap_views

admin.site.site_header = "Дорожная карта ЦМН: администрирование"
admin.site.site_title = "Администрирование"
admin.site.index_title = "Справочники и данные"

urlpatterns = [
    path("", roadmap_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("roadmaps/", include("roadmap.urls")),
    path("registry/", include("registry.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
