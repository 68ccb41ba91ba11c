"""Reading a request's body: bounded, whatever is sent."""

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from api.problems import TooLarge

# The largest body the API reads: a batch of 20,000 rows with short comments is
# about 3 MB; ten leaves room for long comments, and bounds what one call can cost.
MAX_BODY_BYTES = 10 * 1024 * 1024


class BoundedJSONParser(BaseParser):
    """JSON (UTF-8, no NaN or Infinity), refused unread when the body is over
    `MAX_BODY_BYTES`. Not REST framework's JSONParser, which reads the body through
    Django's form limit (2.5 MB, for pages) and would refuse a large batch with an
    HTML page; and text nested too deeply to read is the sender's problem, not a
    server error."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0) if request else 0
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            raise _too_large(length)
        content = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(content) > MAX_BODY_BYTES:
            raise _too_large(len(content))
        try:
            return json.loads(content.decode("utf-8"), parse_constant=_refuse_constant)
        except UnicodeDecodeError:
            raise ParseError("The body is not UTF-8 text.") from None
        except (ValueError, RecursionError) as error:
            raise ParseError(f"The body is not valid JSON: {str(error)[:200]}") from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _too_large(length: int) -> TooLarge:
    return TooLarge(
        f"The body is {length:,} bytes; the API reads up to {MAX_BODY_BYTES:,}. "
        "Send the rows in smaller batches."
    )
