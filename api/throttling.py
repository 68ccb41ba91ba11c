"""Rate limits: each API client, and each person calling with their session, has its
own allowance (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], set from API_RATE_LIMIT);
calls without valid credentials share one per address."""

from rest_framework.throttling import SimpleRateThrottle

from objectives.permissions import api_client_of


class CallerRateThrottle(SimpleRateThrottle):
    scope = "caller"

    def get_cache_key(self, request, view) -> str:
        client = api_client_of(request.user)
        if client is not None:
            ident = f"client-{client.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
