"""Search terms kept out of URLs: a register list whose search may find a person (a name, an ID
number, a phone number) takes the term by POST, keeps it in the user's session under a random
token and redirects to the list with ``?s=<token>``. Pages, filters and the Excel export carry
the token, never the term; the address bar, the browser history, proxies and the server's
access log see only the token. In the session (a database table) the term is kept encrypted
like the personal fields themselves (:func:`fazhi.core.crypto.encrypt`).
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest, QueryDict

from fazhi.core.crypto import decrypt, encrypt

#: The list's query parameter holding the token.
TOKEN_PARAM = "s"
#: The POST field of the search box (the same name as the plain ``?q=`` of other lists).
TERM_PARAM = "q"
_SESSION_KEY = "fazhi_search_terms"
#: Terms remembered per session; the oldest is forgotten first.
KEEP = 20


def remember_term(request: HttpRequest, term: str) -> str:
    """Keep ``term`` in the session and return its token."""
    kept: dict[str, str] = dict(request.session.get(_SESSION_KEY) or {})
    for token, known in kept.items():
        if _plain(known) == term:
            return token
    token = secrets.token_urlsafe(9)
    kept[token] = encrypt(term)
    while len(kept) > KEEP:
        kept.pop(next(iter(kept)))
    request.session[_SESSION_KEY] = kept
    return token


def recalled_term(request: HttpRequest) -> str:
    """The term behind the request's ``?s=`` token ("" if none or forgotten)."""
    token = request.GET.get(TOKEN_PARAM, "")
    kept = request.session.get(_SESSION_KEY) or {}
    stored = kept.get(token, "") if token else ""
    return _plain(stored) if isinstance(stored, str) else ""


def _plain(stored: str) -> str:
    try:
        return decrypt(stored)
    except ValueError:  # the key changed since: the term is forgotten
        return ""


def redirect_query(request: HttpRequest) -> str:
    """The query string to redirect a posted search form to: its filters as they are, the
    search term replaced by its token."""
    query = QueryDict(mutable=True)
    for name, values in request.POST.lists():
        if name in ("csrfmiddlewaretoken", TERM_PARAM, TOKEN_PARAM, "page"):
            continue
        kept = [v for v in values if v]
        if kept:
            query.setlist(name, kept)
    term = (request.POST.get(TERM_PARAM) or "").strip()
    if term:
        query[TOKEN_PARAM] = remember_term(request, term)
    return query.urlencode()
