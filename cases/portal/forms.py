"""Portal forms: they check shape only; the services decide what is allowed."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases.enums import Category
from cases.portal.services import ANTI_PHISHING_CODE, anti_phishing_code_error
from cases.services.intake import IncomingFile

MAX_FILES_PER_POST = 10
MAX_TRANSACTIONS = 20
_TX_SPLIT = re.compile(r"[\s,;]+")


class SignInForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is read into an `IncomingFile` for the services."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES_PER_POST:
            raise forms.ValidationError(
                _("Attach at most %(n)s files at a time.") % {"n": MAX_FILES_PER_POST}
            )
        single = super().clean
        return [single(f, initial) for f in files]


def incoming_files(files: list[Any]) -> tuple[IncomingFile, ...]:
    # The per-file size limit is enforced by Django before the view (DATA_UPLOAD_MAX_*) and
    # again by the content check; here the bytes are only handed over.
    limit = settings.EVIDENCE_MAX_FILE_BYTES + 1
    return tuple(IncomingFile(name=f.name or "file", content=f.read(limit)) for f in files)


class ComplaintForm(forms.Form):
    form_token = forms.UUIDField(widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("What is it about?"), choices=Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("What happened?"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Never write your password, private keys or recovery phrase here."),
    )
    related_transactions = forms.CharField(
        label=_("Related transaction or order ids"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, or separated by commas."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        help_text=_("Screenshots, PDFs or documents; several files allowed."),
    )

    def clean_related_transactions(self) -> tuple[str, ...]:
        raw = self.cleaned_data.get("related_transactions", "")
        ids = tuple(dict.fromkeys(t for t in _TX_SPLIT.split(raw) if t))
        if len(ids) > MAX_TRANSACTIONS:
            raise forms.ValidationError(
                _("List at most %(n)s transaction ids.") % {"n": MAX_TRANSACTIONS}
            )
        if any(len(t) > 128 for t in ids):
            raise forms.ValidationError(_("A transaction id is at most 128 characters long."))
        return ids


class ReplyForm(forms.Form):
    # A signed one-time token for this user and case (`cases.portal.services`): the same form
    # sent twice (double click, reload, a script firing it twenty times) stores one message.
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=300)
    body = forms.CharField(
        label=_("Your message"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(label=_("Attachments"))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("What does it show?"), max_length=300, required=False)


class OfferRejectForm(forms.Form):
    """Rejecting an offer: the customer says why (the handler reads it before revising)."""

    reason = forms.CharField(
        label=_("Why do you reject the offer?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The team reads this before making you a revised offer or a final response."),
    )


class AntiPhishingForm(forms.Form):
    """The anti-phishing code (checked again by `customer_anti_phishing_set`)."""

    code = forms.CharField(
        label=_("Your anti-phishing code"),
        # Longer input gets the same clear message as any other wrong code (clean_code).
        max_length=200,
        required=False,
        help_text=_("4 to 20 letters and digits, for example Blue42Moon."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if code and not ANTI_PHISHING_CODE.fullmatch(code):
            raise forms.ValidationError(anti_phishing_code_error())
        return code
