from django.urls import path, re_path

from roadmap.views import dashboard, documents, editor, executions, pages

app_name = "roadmap"

urlpatterns = [
    path("", pages.roadmap_list, name="list"),
    path("new/", editor.roadmap_create, name="create"),
    path("import/", documents.import_roadmap, name="import"),
    path("import/<int:batch_id>/", documents.import_roadmap_confirm, name="import_confirm"),
    re_path(
        r"^(?P<pk>[0-9]+)/order\.(?P<fmt>pdf|docx|xlsx|json)$",
        documents.document,
        name="document",
    ),
    path("<int:pk>/report.pdf", documents.execution_report, name="report"),
    re_path(
        r"^amendments/(?P<pk>[0-9]+)/order\.(?P<fmt>pdf|docx)$",
        documents.amendment_order,
        name="amendment_order",
    ),
    path(
        "amendments/<int:pk>/requisites/",
        documents.amendment_requisites,
        name="amendment_requisites",
    ),
    path("<int:pk>/", pages.roadmap_detail, name="detail"),
    path("<int:pk>/edit/", editor.roadmap_editor, name="editor"),
    path("<int:pk>/settings/", editor.roadmap_settings, name="settings"),
    path("<int:pk>/deadline-preview/", editor.deadline_preview, name="deadline_preview"),
    path("<int:pk>/sections/new/", editor.section_create, name="section_create"),
    path("<int:pk>/renumber/", editor.renumber, name="renumber"),
    path("<int:pk>/schools/", editor.roadmap_schools, name="schools"),
    path(
        "<int:pk>/schools/<int:school_id>/remove/",
        editor.roadmap_school_remove,
        name="school_remove",
    ),
    path("<int:pk>/approve/", editor.roadmap_approve, name="approve"),
    path("<int:pk>/amendments/open/", editor.amendment_open, name="amendment_open"),
    path("<int:pk>/amendments/close/", editor.amendment_close, name="amendment_close"),
    path("<int:pk>/copy/", editor.roadmap_copy, name="copy"),
    path("<int:pk>/dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/", dashboard.current_dashboard, name="current_dashboard"),
    path("sections/<int:pk>/edit/", editor.section_edit, name="section_edit"),
    path("sections/<int:pk>/delete/", editor.section_delete, name="section_delete"),
    re_path(
        r"^sections/(?P<pk>[0-9]+)/move/(?P<direction>up|down)/$",
        editor.section_move,
        name="section_move",
    ),
    path("sections/<int:pk>/measures/new/", editor.measure_create, name="measure_create"),
    path("measures/<int:pk>/", pages.measure_detail, name="measure"),
    path("measures/<int:pk>/edit/", editor.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/row/", editor.measure_row, name="measure_row"),
    path("measures/<int:pk>/binding/", editor.measure_binding, name="measure_binding"),
    path("measures/<int:pk>/delete/", editor.measure_delete, name="measure_delete"),
    re_path(
        r"^measures/(?P<pk>[0-9]+)/move/(?P<direction>up|down)/$",
        editor.measure_move,
        name="measure_move",
    ),
    path("my/", executions.my_measures, name="my"),
    path("review/", executions.review_queue, name="review"),
    path("reminders/", executions.reminder_list, name="reminders"),
    path("executions/<int:pk>/", executions.execution_detail, name="execution"),
    path("executions/<int:pk>/start/", executions.execution_start, name="execution_start"),
    path("executions/<int:pk>/report/", executions.execution_report, name="execution_report"),
    path("reports/<int:pk>/review/", executions.report_review, name="report_review"),
    path("evidence/<int:pk>/", executions.evidence_download, name="evidence"),
]
