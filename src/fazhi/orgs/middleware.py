"""Attaches ``request.actor``: the signed-in user acting in their chosen membership."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fazhi.orgs.http import as_actor_request
from fazhi.orgs.scoping import Actor
from fazhi.orgs.selectors import memberships_of

SESSION_KEY = "fazhi_membership_id"


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, http_request: HttpRequest) -> HttpResponse:
        request = as_actor_request(http_request)
        request.actor = None
        request.memberships = []
        if request.user.is_authenticated:
            memberships = memberships_of(request.user)
            chosen = request.session.get(SESSION_KEY)
            current = next((m for m in memberships if m.pk == chosen), None)
            if current is None and memberships:
                current = memberships[0]
            request.memberships = memberships
            if current is not None:
                request.actor = Actor.for_membership(current)
        return self.get_response(request)
