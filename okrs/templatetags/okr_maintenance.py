"""`{% okr_maintenance_links key_result %}`: the maintenance actions open to an OKR in
its status. The rules are the actions' own (okrs/actions.py), so a link is shown
only for what the action would accept."""

from django import template

from okrs import actions
from okrs.models import KeyResult

register = template.Library()


@register.inclusion_tag("okrs/maintenance/_okr_actions.html")
def okr_maintenance_links(key_result: KeyResult, heading: bool = False) -> dict:
    return {
        "key_result": key_result,
        "heading": heading,
        "can_change_target": actions.can_change_target(key_result),
        "can_achieve": actions.can_change_status(key_result, KeyResult.Status.ACHIEVED),
        "can_retire": actions.can_change_status(key_result, KeyResult.Status.RETIRED),
        "can_link_focus_area": actions.can_link_focus_area(key_result),
    }
