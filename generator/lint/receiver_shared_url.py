"""Every receiver has a webhook URL file of its own: a Slack incoming webhook posts to the channel it was created
for and ignores the payload's `channel`, so receivers sharing one URL cannot reach different channels."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import Project
from ..routing import Receiver

ID = "receiver-shared-url"


def check(project: Project) -> Iterator[Finding]:
    routing = project.routing
    if routing is None:
        return
    first: dict[str, Receiver] = {}
    for receiver in routing.receivers:
        if receiver.url_file is None:  # email receivers: their password file may be shared
            continue
        earlier = first.setdefault(receiver.url_file, receiver)
        if earlier is not receiver:
            yield receiver.source.finding(
                ("url_file",),
                f"receivers {earlier.name} and {receiver.name} read the same url_file {receiver.url_file}; "
                "Slack incoming webhooks ignore `channel`, so both post to one channel: give each receiver its "
                "own webhook URL file",
                ID,
            )
