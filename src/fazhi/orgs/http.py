"""The request type of the platform's views: an ``HttpRequest`` with the acting membership.

:class:`fazhi.orgs.middleware.ActorMiddleware` (browser sessions) and
:class:`fazhi.core.api_auth.TokenAuth` (API tokens) set ``actor`` and ``memberships``; views
read the actor with :func:`actor_on` (None before the middleware or without a membership).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest

from fazhi.orgs.scoping import Actor

if TYPE_CHECKING:
    from fazhi.orgs.models import Membership


class ActorRequest(HttpRequest):
    """What the middleware adds to every request (like django-stubs' AuthenticatedHttpRequest)."""

    actor: Actor | None
    memberships: list[Membership]


def as_actor_request(request: HttpRequest) -> ActorRequest:
    """``request`` seen with the attributes the middleware sets (the same object)."""
    return cast(ActorRequest, request)


def actor_on(request: HttpRequest) -> Actor | None:
    """The acting membership of ``request``, or None."""
    actor = getattr(request, "actor", None)
    return actor if isinstance(actor, Actor) else None


def memberships_on(request: HttpRequest) -> list[Membership]:
    return list(getattr(request, "memberships", None) or [])
