"""Topic settings: display names, risk weight and SLA target of the eight fixed topics."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..roles import staff_required
from ..staff_forms import TopicSettingForm
from ..topics import topic_settings, update_topic_setting


@staff_required("topic.manage")
def topic_list(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/topics.html", {"settings": list(topic_settings().values())})


@staff_required("topic.manage")
def topic_edit(request: HttpRequest, code: str) -> HttpResponse:
    table = topic_settings()
    if code not in table:
        raise Http404("unknown topic")
    form = TopicSettingForm(request.POST or None, instance=table[code])
    if request.method == "POST" and form.is_valid():
        update_topic_setting(code, {f: form.cleaned_data[f] for f in form.Meta.fields}, actor=request.user)
        messages.success(request, _("Topic settings saved."))
        return redirect("staff:topics")
    return render(request, "staff/topic_form.html", {"form": form, "code": code})
