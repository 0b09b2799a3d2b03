"""Entering a stakeholder's criteria judgements and scores as a whole, on one page each.

* ``judgement``: the pairwise comparison grid on Saaty's 1-9 scale. One select per pair of
  criteria above the diagonal; the reciprocals below it, the weights and the consistency
  ratio are shown (live in the browser, by ``static/openmis/ahp.js``; on the server after a
  post without JavaScript). The server recomputes on every post and is the authority.
* ``scores``: the scores matrix, alternatives x criteria, in one form and one save.
* ``save``: writing either all or nothing through :mod:`openmis.core.services`.
* ``common``: whose judgements and scores a user may enter (the stakeholder choice).

A judgement or score belongs to a stakeholder (a person); a department leader enters those
of the people of their department, a role scoped to the organization anyone's.
"""

from django.urls import path

from openmis.appraisal.entry.judgement import JudgementRedirectView, JudgementView
from openmis.appraisal.entry.scores import ScoresView

urlpatterns: list = [
    path("evaluations/<int:pk>/judgement/", JudgementView.as_view(), name="judgement-grid"),
    path("evaluations/<int:pk>/scores/", ScoresView.as_view(), name="scores-matrix"),
    # The generic pages of a judgement would ask for its matrix as JSON: they lead to the grid.
    path("judgements/add/", JudgementRedirectView.as_view(), name="judgement-grid-add"),
    path("judgements/<int:pk>/edit/", JudgementRedirectView.as_view(), name="judgement-grid-edit"),
]
