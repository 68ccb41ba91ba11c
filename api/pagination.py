"""Paging a list: bounded, whatever is asked."""

from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """`page` from 1, `page_size` up to 1,000 (500 unless asked)."""

    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = 1000
