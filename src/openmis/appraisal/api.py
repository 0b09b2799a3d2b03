"""``POST /api/appraisal/appraise/``: every result of an evaluation sent as JSON, saving
nothing. The stored objects have their generic endpoints (see registry.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from openmis.appraisal.calc import MAX_DRAWS, MAX_HORIZON, CalcError, saaty
from openmis.appraisal.forms import EvaluationForm
from openmis.appraisal.models import RATE_API_MAX, RATE_MIN, Evaluation
from openmis.appraisal.services import appraise
from openmis.core.api.serializers import ObjectSerializer


class RangeSerializer(serializers.Serializer):
    min = serializers.FloatField()
    mode = serializers.FloatField(required=False, help_text="Defaults to the amount.")
    max = serializers.FloatField()


class CashFlowSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=0, max_value=MAX_HORIZON)
    amount = serializers.FloatField(help_text="Signed: money out is negative.")
    category = serializers.CharField(required=False, allow_blank=True)
    line = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=(
            "The line (driver) the amount belongs to, e.g. 'Hours saved'. The amounts of one "
            "line share one Monte Carlo draw across their years and one tornado bar. Default: "
            "the category; without either, the amount is a line of its own."
        ),
    )
    range = RangeSerializer(required=False, allow_null=True)


class AlternativeInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    cash_flows = CashFlowSerializer(
        many=True,
        help_text=(
            "The alternative's lines: one entry per line and year, not netted (a year may have "
            "several, e.g. -100000 of support and +160000 of savings). NPV, IRR, MIRR, payback "
            "and EAC use each year's net amount; TCO, ROI and the benefit-cost ratio count each "
            "entry as a cost (negative) or a benefit (positive) before netting. Sending one "
            "netted amount per year still works, but then a year's costs and benefits cannot "
            "be told apart."
        ),
    )


class CriterionInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    weight = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=1)
    type = serializers.ChoiceField(choices=["benefit", "cost"], default="benefit")


@extend_schema_field(
    {
        "oneOf": [
            {"type": "number", "minimum": 0, "exclusiveMinimum": True},
            {"type": "string", "pattern": r"^\s*\d+([.,]\d*)?\s*(/\s*\d+([.,]\d*)?)?\s*$"},
        ],
        "nullable": True,
        "example": "1/3",
    }
)
class RatioField(serializers.Field):
    """A judgement on Saaty's scale: a number (0.3333) or a ratio as text ("1/3"); null below
    the diagonal means "the reciprocal of the judgement above it"."""

    default_error_messages = {"invalid": _("Enter a positive number such as 3, 0.5 or 1/3.")}

    def to_internal_value(self, data):
        if data is None:
            return None
        if isinstance(data, int | float) and not isinstance(data, bool):
            return float(data)  # the calculation names a number it cannot use, e.g. -3
        try:
            return saaty.parse_ratio(data)
        except CalcError:
            self.fail("invalid")

    def to_representation(self, value):
        return value


class AhpInSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.CharField(), min_length=1)
    matrix = serializers.ListField(
        child=serializers.ListField(child=RatioField(allow_null=True)),
        min_length=1,
        help_text=(
            "matrix[i][j]: how much more important item i is than item j, on Saaty's 1-9 "
            'scale: a number or a ratio as text (3, 0.5, "1/3"). The diagonal and the cells '
            "below it may be null: they are then 1 and the reciprocals of those above."
        ),
    )


class SimulationInSerializer(serializers.Serializer):
    draws = serializers.IntegerField(min_value=1, max_value=MAX_DRAWS, default=100_000)
    seed = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    distribution = serializers.ChoiceField(choices=["pert", "triangular"], default="pert")
    correlation = serializers.FloatField(
        default=0.0,
        min_value=-1,
        max_value=1,
        help_text=(
            "Rank (Spearman) correlation between every two lines, through a Gaussian copula; "
            "0 draws the lines independently. The years of one line always share one draw."
        ),
    )


class AppraiseRequestSerializer(serializers.Serializer):
    discount_rate = serializers.FloatField(
        max_value=1,
        help_text=(
            "A fraction per year, not a percentage: 0.09 is 9 %. Above -1 (-100 %) and at most "
            "1 (100 %): 9 would be 900 % and is refused. The evaluation form takes percent."
        ),
    )
    horizon_years = serializers.IntegerField(min_value=1, max_value=MAX_HORIZON)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, default="PLN")
    alternatives = AlternativeInSerializer(many=True, allow_empty=False)
    criteria = CriterionInSerializer(many=True, required=False)
    scores = serializers.DictField(
        child=serializers.DictField(child=serializers.FloatField()), required=False
    )
    ahp = AhpInSerializer(required=False)
    simulation = SimulationInSerializer(required=False)
    normalise_weights = serializers.BooleanField(
        default=False, help_text="Scale the criteria weights to sum to 1 instead of refusing."
    )


class AlternativeResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    npv = serializers.FloatField(allow_null=True)
    irr = serializers.FloatField(allow_null=True)
    irr_warning = serializers.CharField(allow_null=True)
    mirr = serializers.FloatField(allow_null=True)
    roi = serializers.FloatField(allow_null=True)
    payback_years = serializers.FloatField(allow_null=True)
    discounted_payback_years = serializers.FloatField(allow_null=True)
    tco = serializers.FloatField(allow_null=True)
    discounted_tco = serializers.FloatField(allow_null=True)
    benefit_cost_ratio = serializers.FloatField(allow_null=True)
    eac = serializers.FloatField(allow_null=True)


class AhpResultSerializer(serializers.Serializer):
    weights = serializers.DictField(child=serializers.FloatField())
    lambda_max = serializers.FloatField()
    consistency_index = serializers.FloatField()
    consistency_ratio = serializers.FloatField()
    warning = serializers.CharField(allow_null=True)


class RankingSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.FloatField(allow_null=True))
    ranking = serializers.ListField(child=serializers.CharField())


class SimulationResultSerializer(serializers.Serializer):
    mean = serializers.FloatField()
    p10 = serializers.FloatField()
    p50 = serializers.FloatField()
    p90 = serializers.FloatField()
    prob_npv_positive = serializers.FloatField()


class AppraiseResponseSerializer(serializers.Serializer):
    currency = serializers.CharField(allow_null=True)
    alternatives = AlternativeResultSerializer(many=True)
    ahp = AhpResultSerializer(allow_null=True)
    weighted_sum = RankingSerializer(allow_null=True)
    topsis = RankingSerializer(allow_null=True)
    simulation = serializers.DictField(child=SimulationResultSerializer(), allow_null=True)


class EvaluationSerializer(ObjectSerializer):
    """The generated serializer, taking a discount rate of at most 1 (100 %): the form asks
    before it saves a higher rate (900 % is almost always 9 % mistyped), the API cannot ask,
    so a 9 sent for 9 % is refused."""

    discount_rate = serializers.DecimalField(
        max_digits=10,
        decimal_places=4,
        min_value=RATE_MIN,
        max_value=RATE_API_MAX,
        required=False,
        label=Evaluation._meta.get_field("discount_rate").verbose_name,
        help_text=Evaluation._meta.get_field("discount_rate").help_text,
    )

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "display",
            *EvaluationForm.Meta.fields,
            "version",
            "created",
            "updated",
        ]
        read_only_fields = ["version", "created", "updated"]


class AppraiseView(APIView):
    """Appraise alternatives without saving anything (NPV year 0 undiscounted)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=AppraiseRequestSerializer,
        responses={200: AppraiseResponseSerializer},
        description=(
            "Every result of an evaluation sent as JSON: NPV (year 0 undiscounted, year t "
            "divided by (1+r)^t; Excel's NPV() also discounts the first value), IRR, MIRR, ROI, "
            "payback, TCO, benefit-cost ratio, EAC, AHP weights, weighted-sum and TOPSIS "
            "rankings and a Monte Carlo simulation. A value that does not exist is null. "
            "Invalid input is a 400 naming the field."
        ),
    )
    def post(self, request):
        if not request.user.has_perm("appraisal.view_evaluation"):
            raise exceptions.PermissionDenied(_("Your role does not include investment appraisal."))
        form = AppraiseRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            return Response(appraise(form.validated_data))
        except CalcError as error:
            raise exceptions.ValidationError({error.field: [error.message]}) from None
