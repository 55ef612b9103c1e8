from django.urls import path, re_path

from monitoring import views, views_reports

app_name = "monitoring"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    re_path(r"^indicators/(?P<code>[a-z0-9_]+)/$", views.records, name="records"),
    path("region/", views.regional_summary, name="regional"),
    path("region/summary.xlsx", views.regional_summary, {"fmt": "xlsx"}, name="regional_xlsx"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target_delete"),
    path("questionnaires/", views.questionnaires, name="questionnaires"),
    path("questionnaires/new/", views.questionnaire_create, name="questionnaire_create"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire"),
    path("questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
    path("periods/", views_reports.periods, name="periods"),
    path("periods/new/", views_reports.period_create, name="period_create"),
    path("periods/<int:pk>/", views_reports.period_detail, name="period"),
    path("periods/<int:pk>/edit/", views_reports.period_edit, name="period_edit"),
    path("periods/<int:pk>/start/", views_reports.report_start, name="report_start"),
    path("periods/<int:pk>/summary/", views_reports.period_summary, name="summary"),
    re_path(
        r"^periods/(?P<pk>[0-9]+)/summary\.(?P<fmt>xlsx|pdf)$",
        views_reports.period_summary_file,
        name="summary_file",
    ),
    path("reports/<int:pk>/", views_reports.report_detail, name="report"),
    path("reports/<int:pk>/submit/", views_reports.report_submit, name="report_submit"),
    path("reports/<int:pk>/review/", views_reports.report_review, name="report_review"),
    path(
        "reports/<int:pk>/answers/<int:questionnaire_id>/",
        views_reports.answer_set_edit,
        name="answer_set",
    ),
    path("reports/<int:pk>/answers.xlsx", views_reports.answers_template, name="answers_template"),
    path("reports/<int:pk>/answers/import/", views_reports.answers_import, name="answers_import"),
    path("answer-sets/<int:pk>/delete/", views_reports.answer_set_delete, name="answer_set_delete"),
    path("reports/<int:pk>/swot/<int:programme_id>/", views_reports.swot_edit, name="swot"),
]
