from django.urls import path

from registry import views, views_io

app_name = "registry"

urlpatterns = [
    path("mentees/", views.mentee_list, name="mentees"),
    path("mentees/new/", views.mentee_create, name="mentee_create"),
    path("mentees/<int:pk>/", views.mentee_detail, name="mentee"),
    path("mentees/<int:pk>/edit/", views.mentee_edit, name="mentee_edit"),
    path("mentees/<int:pk>/consents/new/", views.consent_create, name="consent_create"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("consents/<int:pk>/scan/", views.consent_scan, name="consent_scan"),
    path("mentors/", views.mentor_list, name="mentors"),
    path("mentors/new/", views.mentor_create, name="mentor_create"),
    path("mentors/<int:pk>/", views.mentor_detail, name="mentor"),
    path("mentors/<int:pk>/edit/", views.mentor_edit, name="mentor_edit"),
    path("mentors/link/", views.mentor_link, name="mentor_link"),
    path("mentors/link-requests/", views.link_request_list, name="link_requests"),
    path("mentors/link-requests/<int:pk>/", views.link_request_detail, name="link_request"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("pairs/", views.pair_list, name="pairs"),
    path("pairs/new/", views.pair_create, name="pair_create"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair"),
    path("partners/", views.partner_list, name="partners"),
    path("partners/new/", views.partner_create, name="partner_create"),
    path("partners/<int:pk>/agreements/new/", views.agreement_create, name="agreement_create"),
    path("schools/", views.school_list, name="schools"),
    path("schools/<int:pk>/", views.school_edit, name="school_edit"),
    path("schools/<int:pk>/stats/", views.school_stats, name="school_stats"),
    path("curators/new/", views.curator_create, name="curator_create"),
    path("<str:entity>/template.xlsx", views_io.template, name="template"),
    path("<str:entity>/export.xlsx", views_io.export, name="export"),
    path("<str:entity>/import/", views_io.import_upload, name="import"),
    path("<str:entity>/import/<int:pk>/confirm/", views_io.import_confirm, name="import_confirm"),
]
