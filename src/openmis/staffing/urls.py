"""The staffing app's own pages, beside the generic ones of its registered types."""

from django.urls import path

from openmis.staffing import views

urlpatterns = [
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/<int:person>/<int:skill>/", views.cell, name="cell"),
    path("systems/<int:pk>/skills/", views.system_skills, name="system_skills"),
    path("bus-factor/", views.bus_factor, name="bus_factor"),
]
