from django.urls import path

from registry import views_io
from registry.views import link_requests, organisations, people, programmes

app_name = "registry"

urlpatterns = [
    path("mentees/", people.mentee_list, name="mentees"),
    path("mentees/new/", people.mentee_create, name="mentee_create"),
    path("mentees/<int:pk>/", people.mentee_detail, name="mentee"),
    path("mentees/<int:pk>/edit/", people.mentee_edit, name="mentee_edit"),
    path("mentees/<int:pk>/consents/new/", people.consent_create, name="consent_create"),
    path("consents/<int:pk>/withdraw/", people.consent_withdraw, name="consent_withdraw"),
    path("consents/<int:pk>/scan/", people.consent_scan, name="consent_scan"),
    path("mentors/", people.mentor_list, name="mentors"),
    path("mentors/new/", people.mentor_create, name="mentor_create"),
    path("mentors/<int:pk>/", people.mentor_detail, name="mentor"),
    path("mentors/<int:pk>/edit/", people.mentor_edit, name="mentor_edit"),
    path("mentors/link/", people.mentor_link, name="mentor_link"),
    path("mentors/link-requests/", link_requests.link_request_list, name="link_requests"),
    path("mentors/link-requests/<int:pk>/", link_requests.link_request_detail, name="link_request"),
    path("programmes/", programmes.programme_list, name="programmes"),
    path("programmes/new/", programmes.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", programmes.programme_detail, name="programme"),
    path("pairs/", programmes.pair_list, name="pairs"),
    path("pairs/new/", programmes.pair_create, name="pair_create"),
    path("pairs/<int:pk>/", programmes.pair_detail, name="pair"),
    path("partners/", organisations.partner_list, name="partners"),
    path("partners/new/", organisations.partner_create, name="partner_create"),
    path(
        "partners/<int:pk>/agreements/new/", organisations.agreement_create, name="agreement_create"
    ),
    path("schools/", organisations.school_list, name="schools"),
    path("schools/<int:pk>/", organisations.school_edit, name="school_edit"),
    path("schools/<int:pk>/stats/", organisations.school_stats, name="school_stats"),
    path("curators/new/", organisations.curator_create, name="curator_create"),
    path("requests/", organisations.mentee_requests, name="mentee_requests"),
    path("requests/usual/", organisations.mentee_requests_usual, name="mentee_requests_usual"),
    path("requests/<int:pk>/", organisations.mentee_request_edit, name="mentee_request_edit"),
    path(
        "requests/<int:pk>/delete/",
        organisations.mentee_request_delete,
        name="mentee_request_delete",
    ),
    path("mentors/<int:pk>/trainings/new/", people.training_add, name="training_add"),
    path("trainings/<int:pk>/delete/", people.training_delete, name="training_delete"),
    path("trainings/<int:pk>/certificate/", people.training_certificate, name="training_file"),
    path("programmes/<int:pk>/conclusion/", programmes.conclusion_upload, name="conclusion_upload"),
    path(
        "programmes/<int:pk>/conclusion/file/",
        programmes.conclusion_download,
        name="conclusion_file",
    ),
    path("<str:entity>/template.xlsx", views_io.template, name="template"),
    path("<str:entity>/export.xlsx", views_io.export, name="export"),
    path("<str:entity>/import/", views_io.import_upload, name="import"),
    path("<str:entity>/import/<int:pk>/confirm/", views_io.import_confirm, name="import_confirm"),
]
