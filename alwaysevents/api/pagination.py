from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Every list: ?page=2&page_size=100 (at most 500), with count, next and previous."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
