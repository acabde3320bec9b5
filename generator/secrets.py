"""What a secret looks like in a spec or in rendered output: chat webhook URLs, URLs that carry
credentials, and chat API tokens. One detector, used by the `inline-secret` lint rule and by the guard
that keeps generated files secret-free."""

import re
from collections.abc import Iterator

from .document import SpecPath

# Slack and Discord webhook URLs are bearer secrets: whoever holds one can post to the channel.
_PATTERNS = (
    re.compile(r"hooks\.slack\.com/", re.IGNORECASE),
    re.compile(r"(discord|discordapp)\.com/api/webhooks/", re.IGNORECASE),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]+"),  # Slack API tokens
    re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE),  # user:password@host
    re.compile(
        r"[?&](token|key|api_?key|secret|password|passwd|sig|signature|access_token|auth)=[^&\s]+", re.IGNORECASE
    ),
)


def looks_secret(text: str) -> bool:
    return any(pattern.search(text) for pattern in _PATTERNS)


def find_secrets(data: object, path: SpecPath = ()) -> Iterator[tuple[SpecPath, str]]:
    """(path, value) of every string (mapping keys included) in plain data that looks like a secret."""
    if isinstance(data, str):
        if looks_secret(data):
            yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if looks_secret(str(key)):
                yield (*path, key), str(key)
            yield from find_secrets(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from find_secrets(value, (*path, index))
