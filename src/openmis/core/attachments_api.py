"""The API of attached files: ``/api/core/attachments/`` (see :mod:`openmis.core.attachments`).

List and upload take the object as ``?object_type=<app.model>&object_id=<id>``; an object the
caller may not see is a 404, as one that does not exist.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiRequest, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, renderers, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from openmis.core import attachments, registry
from openmis.core.api import TextField
from openmis.core.models import Attachment
from openmis.core.views.attachments import download_response, limit_uploads

MAX_ID = 2**63 - 1


class AttachmentSerializer(serializers.ModelSerializer):
    """A file attached to an object, without its content."""

    object_type = serializers.SerializerMethodField(
        help_text=gettext_lazy("The object's type, as `app_label.model`.")
    )
    media_type = serializers.CharField(
        read_only=True, help_text=gettext_lazy("The type told by the file's content.")
    )
    size = serializers.IntegerField(read_only=True, help_text=gettext_lazy("In bytes."))
    uploaded_by_name = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "object_type",
            "object_id",
            "file_name",
            "media_type",
            "size",
            "sha256",
            "description",
            "uploaded_by",
            "uploaded_by_name",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_object_type(self, attachment) -> str:
        return attachment.content_type.app_label + "." + attachment.content_type.model

    def get_uploaded_by_name(self, attachment) -> str | None:
        user = attachment.uploaded_by
        return None if user is None else (user.get_full_name() or user.get_username())

    def get_download_url(self, attachment) -> str:
        url = reverse("api-attachment-download", kwargs={"pk": attachment.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=gettext_lazy(
            "PDF, PNG, JPEG, GIF, WebP, text, CSV, docx, xlsx, pptx, odt or ods; the name's "
            "extension must agree with the content."
        )
    )
    description = TextField(max_length=500, required=False, allow_blank=True, default="")


class ObjectQuerySerializer(serializers.Serializer):
    object_type = serializers.CharField()
    object_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    def validate_object_type(self, value):
        try:
            object_type = registry.get(value)
        except KeyError:
            raise serializers.ValidationError(_("Unknown object type.")) from None
        if not object_type.attachments:
            raise serializers.ValidationError(_("Files cannot be attached to this kind of object."))
        return object_type


def _types_with_attachments() -> list[str]:
    return sorted(ot.label for ot in registry.all_types() if ot.attachments)


OBJECT_PARAMETERS = [
    OpenApiParameter(
        "object_type",
        OpenApiTypes.STR,
        required=True,
        enum=_types_with_attachments(),
        description="The object's type, as `app_label.model`.",
    ),
    OpenApiParameter(
        "object_id",
        {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID},
        required=True,
        description="The object's id.",
    ),
]


def _object(request):
    """The object named by the query string, if the caller may see it (else 404)."""
    query = ObjectQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    object_type = query.validated_data["object_type"]
    obj = object_type.model._default_manager.filter(pk=query.validated_data["object_id"]).first()
    if obj is None or not attachments.can_see(request.user, obj):
        raise exceptions.NotFound()
    return obj


class AttachmentListView(generics.ListAPIView):
    """The files of one object (GET) and a new one (POST)."""

    serializer_class = AttachmentSerializer
    filter_backends = []
    parser_classes = [MultiPartParser, FormParser]

    def initialize_request(self, request, *args, **kwargs):
        if request.method == "POST":
            self.upload_limit = limit_uploads(request)
        return super().initialize_request(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attachment.objects.none()
        obj = _object(self.request)
        return attachments.attachments_of(obj, self.request.user).select_related("content_type")

    @extend_schema(
        parameters=OBJECT_PARAMETERS,
        description="The files attached to an object, newest first.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        parameters=OBJECT_PARAMETERS,
        request={"multipart/form-data": OpenApiRequest(UploadSerializer)},
        responses={201: AttachmentSerializer},
        description="Attach a file to an object (multipart `file`, optional `description`). "
        "Its type is told by its content; a refused file is a 400 on `file`.",
    )
    def post(self, request, *args, **kwargs):
        obj = _object(request)
        if not attachments.can_change(request.user, obj):
            raise exceptions.PermissionDenied(
                _("Your role does not allow you to change the files of this object.")
            )
        data = request.data  # parsed here: the upload handler counts the bytes as it reads
        if self.upload_limit.too_large:
            raise exceptions.ValidationError(
                {"file": [attachments.too_large_message(attachments.max_bytes())]}
            )
        form = UploadSerializer(data=data)
        form.is_valid(raise_exception=True)
        # a refused file is a Django ValidationError: a 400 by field (openmis.core.drf)
        attachment = attachments.attach(
            obj, form.validated_data["file"], request.user, form.validated_data["description"]
        )
        data = AttachmentSerializer(attachment, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class AttachmentDetailView(generics.GenericAPIView):
    """One file's description (GET) and its removal (DELETE)."""

    serializer_class = AttachmentSerializer
    queryset = Attachment.objects.none()  # the schema's model; requests go through the service
    filter_backends = []

    def get_object(self):
        attachment, _obj = attachments.get_attachment(self.kwargs["pk"], self.request.user)
        return attachment

    def get(self, request, pk):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        attachments.remove(self.get_object(), request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _AnyRenderer(renderers.BaseRenderer):
    """Lets a client ask for the file's own type (``Accept: application/pdf``)."""

    media_type = "*/*"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class AttachmentDownloadView(APIView):
    """The file itself, to those who may see its object."""

    # One renderer, so that the schema offers no ``?format=``: the response is the file itself.
    renderer_classes = [_AnyRenderer]

    def handle_exception(self, exc):
        # Errors are JSON whatever type the client asked the file in.
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = renderers.JSONRenderer.media_type
        return super().handle_exception(exc)

    @extend_schema(
        responses={(200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY)},
        description="The file, as an attachment, with the type told by its content.",
    )
    def get(self, request, pk):
        attachment, handle = attachments.open_attachment(pk, request.user)
        return download_response(attachment, handle)
