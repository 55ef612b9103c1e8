from django.urls import path

from roadmap import views

app_name = "roadmap"

urlpatterns = [
    path("", views.roadmap_list, name="list"),
    path("<int:pk>/", views.roadmap_detail, name="detail"),
]
