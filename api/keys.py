"""API clients' secrets: made by djangorestframework-api-key's generator (a random
8-character prefix and a 32-character secret, about 190 bits), shown once and kept
only as a SHA-512 hash. A slow password hash would add its cost to every call and
buys nothing against a secret of that length.

A key is sent as `Authorization: Bearer <prefix>.<secret>`; the prefix finds the
client, the hash proves the secret."""

from dataclasses import dataclass

from rest_framework_api_key.crypto import KeyGenerator

_generator = KeyGenerator()
# The longest value a key can have; anything longer is refused before it is hashed.
KEY_MAX_LENGTH = _generator.prefix_length + 1 + _generator.secret_key_length


@dataclass(frozen=True)
class NewKey:
    key: str  # shown once to the administrator, never stored
    prefix: str
    hashed: str


def new_key() -> NewKey:
    key, prefix, hashed = _generator.generate()
    return NewKey(key=key, prefix=prefix, hashed=hashed)


def prefix_of(key: str) -> str | None:
    """The prefix of a well-formed key, else None."""
    prefix, dot, secret = key.partition(".")
    well_formed = (
        dot
        and len(prefix) == _generator.prefix_length
        and len(secret) == _generator.secret_key_length
        and (prefix + secret).isascii()
        and (prefix + secret).isalnum()
    )
    return prefix if well_formed else None


def key_matches(key: str, hashed: str) -> bool:
    """Whether `key` is the one `hashed` was made from (compared in constant time)."""
    return _generator.verify(key, hashed)
