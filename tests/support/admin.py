"""Helpers for driving the case admin like a browser: its page URLs, what a page offers, and
its forms submitted as a browser would."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.urls import reverse

from cases.models import Case, CaseEvent

TRANSITION_ATTR = re.compile(r'data-transition="([a-z_]+)"')


def changelist_url() -> str:
    return reverse("admin:cases_case_changelist")


def change_url(case: Case) -> str:
    return reverse("admin:cases_case_change", args=[case.pk])


def history_url(case: Case) -> str:
    return reverse("admin:cases_case_history", args=[case.pk])


def transition_url(case: Case, name: str) -> str:
    return reverse("admin:cases_case_transition", args=[case.pk, name])


def listed_pks(response) -> set[int]:
    """Primary keys of the rows the changelist shows."""
    assert response.status_code == 200, response.status_code
    return {obj.pk for obj in response.context["cl"].result_list}


def transition_buttons(response) -> set[str]:
    assert response.status_code == 200, response.status_code
    return set(TRANSITION_ATTR.findall(response.content.decode()))


def snapshot(case: Case) -> dict:
    """Everything a refused request must leave as it was."""
    fresh = Case.objects.get(pk=case.pk)
    return {
        "state": fresh.state,
        "category": fresh.category,
        "priority": fresh.priority,
        "team_id": fresh.team_id,
        "assignee_id": fresh.assignee_id,
        "first_response_due_at": fresh.first_response_due_at,
        "history": fresh.history.count(),
        "events": CaseEvent.objects.filter(case=fresh).count(),
    }


class _FormFields(HTMLParser):
    """Collects the successful controls of one form, as a browser would submit them."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, str] = {}
        self.controls: set[str] = set()
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._in_option = False
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text = ""
        self._textarea: str | None = None
        self._textarea_text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            self.controls.add(name)
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.data[name] = a.get("value") or ("on" if kind == "checkbox" else "")
        elif tag == "select" and name:
            self.controls.add(name)
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            self._in_option = True
            self._option_value = a.get("value")
            self._option_selected = "selected" in a
            self._option_text = ""
        elif tag == "textarea" and name:
            self.controls.add(name)
            self._textarea, self._textarea_text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea_text += data
        elif self._in_option:
            self._option_text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "option" and self._in_option:
            self._in_option = False
            value = self._option_value if self._option_value is not None else self._option_text
            if self._select_first is None:
                self._select_first = value
            if self._option_selected and not self._select_chosen:
                self.data[self._select] = value
                self._select_chosen = True
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self.data[self._select] = self._select_first
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The HTML parser keeps the newline browsers drop after <textarea>.
            self.data[self._textarea] = self._textarea_text.removeprefix("\n")
            self._textarea = None


def form_fields(response, form_id: str = "case_form") -> tuple[dict[str, str], set[str]]:
    """(what the browser would submit, names of all the form's controls) for a form on the page."""
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    return parser.data, parser.controls


def submit_change_form(client, case: Case, **changes: str):
    """GET the case's change page and POST its own form back with `changes` applied."""
    page = client.get(change_url(case))
    assert page.status_code == 200, page.status_code
    data, _controls = form_fields(page)
    data.update({k: "" if v is None else str(v) for k, v in changes.items()})
    data["_save"] = "Save"
    return client.post(change_url(case), data)


def latest_history(case: Case):
    return Case.objects.get(pk=case.pk).history.order_by("-history_date", "-history_id").first()


def post_transition(client, case: Case, name: str, *, reason="Checked with the customer", **data):
    payload = {"reason": reason, "expected_state": data.pop("expected_state", case.state), **data}
    return client.post(transition_url(case, name), payload)


def snapshot_url(case) -> str:
    return reverse("admin:cases_case_snapshot", args=[case.pk])


def evidence_url(item) -> str:
    return reverse("admin:cases_case_evidence", args=[item.case_id, item.pk])


def review_url(item) -> str:
    return reverse("admin:cases_case_evidence_review", args=[item.case_id, item.pk])


def consultation_url(case) -> str:
    return reverse("admin:cases_case_consultation", args=[case.pk])


def answer_url(consultation) -> str:
    return reverse(
        "admin:cases_case_consultation_answer", args=[consultation.case_id, consultation.pk]
    )


def withdraw_url(consultation) -> str:
    return reverse(
        "admin:cases_case_consultation_withdraw", args=[consultation.case_id, consultation.pk]
    )


def consultation_list_url() -> str:
    return reverse("admin:cases_consultation_changelist")
