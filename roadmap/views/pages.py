"""The pages everyone with access reads: the list of roadmaps, a roadmap with its appendix and
statuses, a measure with its executions and history."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from core.selectors import municipalities_for, school_of
from roadmap import history, selectors, tracking
from roadmap.forms.dashboard import RoadmapListForm


@login_required
def home(request):
    roadmap = selectors.home_roadmap(request.user)
    if roadmap is not None:
        return redirect("roadmap:detail", pk=roadmap.pk)
    return redirect("roadmap:list")


@login_required
def roadmap_list(request):
    """The roadmaps with their municipality and year; the region filters by municipality."""
    form = RoadmapListForm(request.GET, municipalities=municipalities_for(request.user))
    if not form.is_valid():
        return render(request, "roadmap/roadmap_list.html", {"form": form}, status=400)
    data = selectors.roadmap_list(request.user, form.cleaned_data.get("municipality"))
    return render(request, "roadmap/roadmap_list.html", {"form": form, **data})


@require_safe
@login_required
def roadmap_detail(request, pk: int):
    roadmap = selectors.roadmap_for(request.user, pk)
    blocks = selectors.roadmap_table(roadmap, request.user)
    return render(
        request,
        "roadmap/roadmap_detail.html",
        {
            "roadmap": roadmap,
            "blocks": blocks,
            "curator_school": school_of(request.user),
            "amendments": selectors.amendments_of(roadmap),
        },
    )


@require_safe
@login_required
def measure_detail(request, pk: int):
    """A measure with its executions (a curator sees only their school's) and its history."""
    measure = selectors.measure_for(request.user, pk)
    return render(
        request,
        "roadmap/measure_detail.html",
        {
            "measure": measure,
            "roadmap": measure.section.roadmap,
            "executions": selectors.measure_executions(measure, request.user),
            "history": history.measure_history(measure, request.user),
            **tracking.tracking_data(measure, request.user),
        },
    )
