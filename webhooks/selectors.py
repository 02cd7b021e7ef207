"""Reads for the webhooks desk page: a fixed number of queries."""

from webhooks.models import Delivery, Endpoint

RECENT = 50


def endpoints():
    return list(Endpoint.objects.select_related("created_by"))


def recent_deliveries(limit=RECENT):
    return list(Delivery.objects.select_related("endpoint").order_by("-created_at", "-id")[:limit])
