"""What drf-spectacular cannot read from the code by itself: how a client
authenticates (loaded by api/apps.py)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API client's key, from a Trust administrator: "
            "`Authorization: Bearer <prefix>.<secret>`.",
        }
