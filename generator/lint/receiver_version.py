"""Every receiver can read its URL from a file on the targeted Alertmanager version, and takes only
the fields its type knows."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import Project
from ..routing import URL_FILE_SINCE

ID = "receiver-version"
# time_intervals (maintenance windows) arrived in 0.24 and Discord in 0.25; older versions are not targets.
MINIMUM_VERSION = (0, 25)


def _text(version: tuple[int, int]) -> str:
    return ".".join(map(str, version))


def check(project: Project) -> Iterator[Finding]:
    routing = project.routing
    if routing is None:
        return
    if routing.version < MINIMUM_VERSION:
        yield routing.source.finding(
            ("alertmanager_version",),
            f"Alertmanager {routing.version_text} is older "
            f"than {_text(MINIMUM_VERSION)}, the oldest version slogen writes for; set "
            f'alertmanager_version: "{_text(MINIMUM_VERSION)}" or newer',
            ID,
        )
    for receiver in routing.receivers:
        if receiver.type == "webhook" and routing.version < URL_FILE_SINCE["webhook"]:
            yield receiver.source.finding(
                ("type",),
                f"webhook receivers read their URL from a file (url_file) only "
                f"from Alertmanager {_text(URL_FILE_SINCE['webhook'])}, and the URL must not "
                f'be inlined; set alertmanager_version to "0.26" or newer, or use a slack '
                "or discord receiver",
                ID,
            )
        if receiver.channel is not None and receiver.type != "slack":
            yield receiver.source.finding(
                ("channel",),
                f"channel applies to slack receivers only; {receiver.type} "
                "webhooks post to the channel they were created for, so drop it",
                ID,
            )
