from django.urls import path, re_path

from roadmap import views, views_dashboard, views_documents, views_edit, views_reports

app_name = "roadmap"

urlpatterns = [
    path("", views.roadmap_list, name="list"),
    path("new/", views_edit.roadmap_create, name="create"),
    path("import/", views_documents.import_roadmap, name="import"),
    path("import/<int:batch_id>/", views_documents.import_roadmap_confirm, name="import_confirm"),
    re_path(
        r"^(?P<pk>[0-9]+)/order\.(?P<fmt>pdf|docx|xlsx|json)$",
        views_documents.document,
        name="document",
    ),
    path("<int:pk>/report.pdf", views_documents.execution_report, name="report"),
    re_path(
        r"^amendments/(?P<pk>[0-9]+)/order\.(?P<fmt>pdf|docx)$",
        views_documents.amendment_order,
        name="amendment_order",
    ),
    path(
        "amendments/<int:pk>/requisites/",
        views_documents.amendment_requisites,
        name="amendment_requisites",
    ),
    path("<int:pk>/", views.roadmap_detail, name="detail"),
    path("<int:pk>/edit/", views_edit.roadmap_editor, name="editor"),
    path("<int:pk>/settings/", views_edit.roadmap_settings, name="settings"),
    path("<int:pk>/deadline-preview/", views_edit.deadline_preview, name="deadline_preview"),
    path("<int:pk>/sections/new/", views_edit.section_create, name="section_create"),
    path("<int:pk>/renumber/", views_edit.renumber, name="renumber"),
    path("<int:pk>/schools/", views_edit.roadmap_schools, name="schools"),
    path(
        "<int:pk>/schools/<int:school_id>/remove/",
        views_edit.roadmap_school_remove,
        name="school_remove",
    ),
    path("<int:pk>/approve/", views_edit.roadmap_approve, name="approve"),
    path("<int:pk>/amendments/open/", views_edit.amendment_open, name="amendment_open"),
    path("<int:pk>/amendments/close/", views_edit.amendment_close, name="amendment_close"),
    path("<int:pk>/copy/", views_edit.roadmap_copy, name="copy"),
    path("<int:pk>/dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/", views_dashboard.current_dashboard, name="current_dashboard"),
    path("sections/<int:pk>/edit/", views_edit.section_edit, name="section_edit"),
    path("sections/<int:pk>/delete/", views_edit.section_delete, name="section_delete"),
    re_path(
        r"^sections/(?P<pk>[0-9]+)/move/(?P<direction>up|down)/$",
        views_edit.section_move,
        name="section_move",
    ),
    path("sections/<int:pk>/measures/new/", views_edit.measure_create, name="measure_create"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("measures/<int:pk>/edit/", views_edit.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/row/", views_edit.measure_row, name="measure_row"),
    path("measures/<int:pk>/delete/", views_edit.measure_delete, name="measure_delete"),
    re_path(
        r"^measures/(?P<pk>[0-9]+)/move/(?P<direction>up|down)/$",
        views_edit.measure_move,
        name="measure_move",
    ),
    path("my/", views_reports.my_measures, name="my"),
    path("review/", views_reports.review_queue, name="review"),
    path("reminders/", views_reports.reminder_list, name="reminders"),
    path("executions/<int:pk>/", views_reports.execution_detail, name="execution"),
    path("executions/<int:pk>/start/", views_reports.execution_start, name="execution_start"),
    path("executions/<int:pk>/report/", views_reports.execution_report, name="execution_report"),
    path("reports/<int:pk>/review/", views_reports.report_review, name="report_review"),
    path("evidence/<int:pk>/", views_reports.evidence_download, name="evidence"),
]
