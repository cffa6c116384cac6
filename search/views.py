"""The results page of the header search, grouped by kind."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .queries import LIMIT, MAX_QUERY, clean_query, search


@login_required
def results(request):
    raw = request.GET.get("q", "")
    found = search(request.user, raw)
    ctx = {
        "results": found,
        "search_query": found.query,
        "search_max_length": MAX_QUERY,
        "truncated": len(" ".join(raw.split())) > MAX_QUERY,
        "limit": LIMIT,
        "cleaned": clean_query(raw),
    }
    return render(request, "search/results.html", ctx)
