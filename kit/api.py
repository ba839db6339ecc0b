"""The API's shared shapes: the documented error body and page-number pagination held to its contract."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator as DjangoPaginator
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView

# DRF answers every refusal as {"detail": "..."}; documenting it lets clients (and schemathesis)
# check error bodies as strictly as successful ones.
ERROR = inline_serializer("Error", fields={"detail": serializers.CharField()})
ERRORS = {
    401: OpenApiResponse(ERROR, description="No valid session or token"),
    # DRF answers 403 rather than 401 to a missing or bad credential while session authentication
    # comes first in DEFAULT_AUTHENTICATION_CLASSES (it sends no WWW-Authenticate challenge).
    403: OpenApiResponse(ERROR, description="No valid session or token, or not allowed"),
}


class PageNumbers(PageNumberPagination):
    """DRF's page numbers, held to the documented contract: a positive integer, or nothing.

    DRF would also take `?page=` (as page 1), `?page=last` and anything `int()` accepts; here those
    are refused like any other bad page number (404).
    """

    last_page_strings = ()

    def get_page_number(self, request: Request, paginator: DjangoPaginator[Any]) -> str:
        number = request.query_params.get(self.page_query_param, "1")
        if not (number.isascii() and number.isdigit()):
            raise NotFound(self.invalid_page_message)
        return number

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, object]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters
