"""Questionnaires and their questions; a school's answers to them, typed in or loaded from
Excel."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from core import permissions
from core.decorators import curator_required, department_required, editor_required
from core.files import XLSX
from core.http import attachment, form_page, handle_form, perform, refused
from monitoring import answers_io, selectors, services
from monitoring.forms import AnswerSetForm, QuestionForm, QuestionnaireForm, UploadForm
from monitoring.reference import ensure_questionnaires
from monitoring.views.common import (
    monitoring_user,
    one_municipality,
    refused_frozen,
    writable_report,
)


@require_safe
@department_required
def questionnaires(request):
    municipality = one_municipality(request.user)
    ensure_questionnaires(municipality)
    return render(
        request,
        "monitoring/questionnaires.html",
        {
            "questionnaires": selectors.questionnaires_with_questions(request.user),
            "editable": permissions.can_edit_department(request.user),
        },
    )


@editor_required
def questionnaire_create(request):
    municipality = one_municipality(request.user)
    form = QuestionnaireForm(request.POST or None)

    def save():
        return services.save_questionnaire(
            user=request.user, municipality=municipality, **form.cleaned_data
        )

    return handle_form(
        request,
        form,
        save,
        said="Анкета создана.",
        then=lambda q: q.get_absolute_url(),
        page=lambda: form_page(
            request, form, title="Новая анкета", cancel=reverse("monitoring:questionnaires")
        ),
    )


@department_required
def questionnaire_detail(request, pk: int):
    questionnaire = selectors.questionnaire_for(request.user, pk)
    editable = permissions.can_edit_department(request.user)
    form = QuestionnaireForm(instance=questionnaire)
    question_form = QuestionForm()
    adds_question = request.method == "POST" and "text" in request.POST
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Анкеты изменяют сотрудники департамента.")
        if adds_question:
            question_form = QuestionForm(request.POST)
        else:
            form = QuestionnaireForm(
                request.POST, instance=selectors.questionnaire_for(request.user, pk)
            )

    def page():
        return render(
            request,
            "monitoring/questionnaire.html",
            {
                "questionnaire": questionnaire,
                "questions": questionnaire.questions.all(),
                "form": form,
                "question_form": question_form,
                "editable": editable,
            },
            status=422 if form.errors or question_form.errors else 200,
        )

    if adds_question:
        return handle_form(
            request,
            question_form,
            lambda: services.save_question(
                user=request.user,
                questionnaire=questionnaire,
                text=question_form.cleaned_data["text"],
            ),
            said="Вопрос добавлен.",
            then=questionnaire.get_absolute_url(),
            page=page,
        )

    def save():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        return services.save_questionnaire(
            user=request.user,
            municipality=questionnaire.municipality,
            questionnaire=selectors.questionnaire_for(request.user, pk),
            **data,
        )

    return handle_form(
        request,
        form,
        save,
        said="Анкета сохранена.",
        then=questionnaire.get_absolute_url(),
        page=page,
    )


@editor_required
@require_POST
def question_delete(request, pk: int):
    question = selectors.question_for(request.user, pk)
    back = question.questionnaire.get_absolute_url()
    return perform(
        request,
        lambda: services.delete_question(user=request.user, question=question),
        success="Вопрос удалён.",
        back=back,
    )


@curator_required
def answer_set_edit(request, pk: int, questionnaire_id: int):
    report = writable_report(request, pk)
    if frozen := refused_frozen(request, report):
        return frozen
    questionnaire = selectors.questionnaire_with_questions(request.user, questionnaire_id)
    initial = {}
    existing_id = request.GET.get("set")
    if existing_id and existing_id.isdigit():
        initial = AnswerSetForm.initial_of(selectors.answer_set_in(report, int(existing_id)))
    form = AnswerSetForm(request.POST or None, initial=initial, questionnaire=questionnaire)

    def save():
        data = form.cleaned_data
        return services.save_answer_set(
            user=request.user,
            report=report,
            questionnaire=questionnaire,
            form=data["form"],
            moment=data.get("moment", ""),
            respondents=data["respondents"],
            averages=form.averages(),
        )

    return handle_form(
        request,
        form,
        save,
        said=f"Результаты анкеты «{questionnaire.title}» сохранены.",
        then=reverse("monitoring:report", args=[pk]),
        page=lambda: render(
            request,
            "monitoring/answer_form.html",
            {"report": report, "questionnaire": questionnaire, "form": form},
            status=422 if form.errors else 200,
        ),
    )


@curator_required
@require_POST
def answer_set_delete(request, pk: int):
    answer_set = selectors.answer_set_for(request.user, pk)
    back = reverse("monitoring:report", args=[answer_set.report_id])
    return perform(
        request,
        lambda: services.delete_answer_set(user=request.user, answer_set=answer_set),
        success="Результаты анкетирования удалены.",
        back=back,
    )


@require_safe
@monitoring_user
def answers_template(request, pk: int):
    report = selectors.report_for(request.user, pk)
    name = f"Анкеты_{report.period.title}.xlsx".replace(" ", "_").replace("/", "-")
    return attachment(answers_io.answers_template(report), name, XLSX.content_type)


@curator_required
@require_POST
def answers_import(request, pk: int):
    report = writable_report(request, pk)
    form = UploadForm(request.POST, request.FILES)
    back = reverse("monitoring:report", args=[pk])
    if not form.is_valid():
        return refused(request, ["Выберите файл Excel (.xlsx)."], back=back, status=422)
    return perform(
        request,
        lambda: answers_io.import_answers(report, form.cleaned_data["file"], user=request.user),
        success=lambda n: f"Загружено результатов анкетирования: {n}.",
        back=back,
    )
