"""The user's own API tokens: list, create (the secret shown once) and revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from openmis.core import tokens

SESSION_KEY = "openmis:new_api_token"


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What is it for?"),
        max_length=100,
        help_text=gettext_lazy("For example the name of the script or computer that uses it."),
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


@never_cache
@login_required
def api_tokens(request):
    """The list of the user's tokens; POST creates one and shows its secret once."""
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            _token, secret = tokens.issue(request.user, form.cleaned_data["name"])
            # shown on the next page only: a reload neither shows it again nor makes another
            request.session[SESSION_KEY] = secret
            return redirect("api_tokens")
    else:
        form = TokenForm()
    context = {
        "form": form,
        "tokens": tokens.live_tokens(request.user),
        "new_secret": request.session.pop(SESSION_KEY, None),
        "lifetime_days": tokens.token_lifetime().days if tokens.token_lifetime() else None,
    }
    return TemplateResponse(request, "core/api_tokens.html", context)


@require_POST
@login_required
def revoke_api_token(request, pk: int):
    """Revoke one of the user's own tokens (another user's is not found)."""
    if not tokens.revoke(request.user, pk):
        raise Http404
    messages.success(
        request, _("The token was revoked. Programs that used it can no longer sign in.")
    )
    return redirect("api_tokens")
