"""What a secret looks like in a spec or in rendered output: chat webhook URLs, URLs that carry
credentials, and chat API tokens. One detector, used by the `inline-secret` lint rule and by the guard
that keeps generated files secret-free, and one redactor, so that no finding ever prints a secret."""

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # findings.py imports this module; document.py imports findings.py
    from .document import SpecPath

# Each pattern ends where the secret part begins. Every pattern starts with a literal or a single
# character class and has no nested or overlapping quantifiers, so a search is linear in the text:
# `looks_secret` runs on every string of every spec, and a 1 MB string must not take minutes.
_PATTERNS = (
    # Slack and Discord webhook URLs are bearer secrets: whoever holds one can post to the channel.
    re.compile(r"hooks\.slack\.com/(?:services/)?", re.IGNORECASE),
    re.compile(r"(?:discord|discordapp)\.com/api/webhooks/", re.IGNORECASE),
    re.compile(r"\bxox[abposr]-(?=[A-Za-z0-9-])"),  # Slack API tokens
    # scheme://user:password@host; one character of scheme before "://" instead of the whole scheme,
    # which would make every letter of a long word a new start of a long match.
    re.compile(r"(?<=[a-z0-9+.-])://[^/\s:@]+:(?=[^/\s@]+@)", re.IGNORECASE),
    re.compile(
        r"[?&](?:token|key|api_?key|secret|password|passwd|sig|signature|access_token|auth)=(?=[^&\s])", re.IGNORECASE
    ),
)
_TOKEN = re.compile(r"[^\s\"'`<>]*")  # a secret runs to the next space or quote of the text it is quoted in
_SHOWN = 2  # characters of a long secret kept, so the reader can tell which webhook or token is meant
REDACTED = "…(redacted)"


def looks_secret(text: str) -> bool:
    return any(pattern.search(text) for pattern in _PATTERNS)


def redact(text: str) -> str:
    """The text with the secret part of every secret-looking value cut: `https://hooks.slack.com/services/T0…(redacted)`."""
    spans: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start = match.end()
            token = _TOKEN.match(text, start)
            end = token.end() if token else start
            spans.append((start + (_SHOWN if end - start > 4 * _SHOWN else 0), end))
    result, done = [], 0
    for start, end in sorted(spans):
        if start < done:  # overlaps a span already cut
            continue
        result += [text[done:start], REDACTED]
        done = end
    return "".join(result) + text[done:]


def find_secrets(data: object, path: "SpecPath" = ()) -> Iterator[tuple["SpecPath", str]]:
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
