from django.urls import path, re_path

from monitoring.views import dashboard, questionnaires, reports, summaries, targets

app_name = "monitoring"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    re_path(r"^indicators/(?P<code>[a-z0-9_]+)/$", dashboard.records, name="records"),
    path("region/", summaries.regional_summary, name="regional"),
    path("region/summary.xlsx", summaries.regional_summary, {"fmt": "xlsx"}, name="regional_xlsx"),
    path("region/summary.pdf", summaries.regional_summary, {"fmt": "pdf"}, name="regional_pdf"),
    path("targets/", targets.targets, name="targets"),
    path("targets/<int:pk>/delete/", targets.target_delete, name="target_delete"),
    path("questionnaires/", questionnaires.questionnaires, name="questionnaires"),
    path("questionnaires/new/", questionnaires.questionnaire_create, name="questionnaire_create"),
    path("questionnaires/<int:pk>/", questionnaires.questionnaire_detail, name="questionnaire"),
    path("questions/<int:pk>/delete/", questionnaires.question_delete, name="question_delete"),
    path("periods/", reports.periods, name="periods"),
    path("periods/new/", reports.period_create, name="period_create"),
    path("periods/<int:pk>/", reports.period_detail, name="period"),
    path("periods/<int:pk>/edit/", reports.period_edit, name="period_edit"),
    path("periods/<int:pk>/start/", reports.report_start, name="report_start"),
    path("periods/<int:pk>/summary/", summaries.period_summary, name="summary"),
    re_path(
        r"^periods/(?P<pk>[0-9]+)/summary\.(?P<fmt>xlsx|pdf)$",
        summaries.period_summary_file,
        name="summary_file",
    ),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/submit/", reports.report_submit, name="report_submit"),
    path("reports/<int:pk>/review/", reports.report_review, name="report_review"),
    path(
        "reports/<int:pk>/answers/<int:questionnaire_id>/",
        questionnaires.answer_set_edit,
        name="answer_set",
    ),
    path("reports/<int:pk>/answers.xlsx", questionnaires.answers_template, name="answers_template"),
    path("reports/<int:pk>/answers/import/", questionnaires.answers_import, name="answers_import"),
    path(
        "answer-sets/<int:pk>/delete/", questionnaires.answer_set_delete, name="answer_set_delete"
    ),
    path("reports/<int:pk>/swot/<int:programme_id>/", reports.swot_edit, name="swot"),
]
