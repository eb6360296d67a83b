"""The in-app inbox: unread first, mark one or all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services

PAGE_SIZE = 30


def _inbox(user):
    return selectors.inbox(user=user)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    notices = _inbox(request.user)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = selectors.unread_count(user=request.user)
    return render(request, "notices/inbox.html", {"page": page, "unread": unread})


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notice read; with `open`, go on to what it is about."""
    notice = get_object_or_404(_inbox(request.user), pk=pk)
    services.notice_mark_read(notice=notice, user=request.user)
    target = notice.url if request.POST.get("open") else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notices:inbox")


@login_required
@require_POST
def notice_read_all(request: HttpRequest) -> HttpResponse:
    n = services.notice_mark_all_read(user=request.user)
    if n:
        messages.success(request, _("All notices marked read."))
    return redirect("notices:inbox")
