"""The OKRs app's forms. They only carry what was typed; the rules live in the
planner (okrs/result_planner.py) and the actions, whose refusals are put back on the
fields. `result_entry`: entering results. `maintenance`: maintaining OKRs and
filtering the audit log. Their NHS.UK base is `web.forms.NhsForm`."""
