"""Password reset through Django's own form and tokens, its mail through `crm.mail`."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.template.loader import render_to_string

from crm.mail import send_templated_mail


class ResetForm(PasswordResetForm):
    """Django's reset form, whose mail leaves through the product's one mail function."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"class": "input"})

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        send_templated_mail(
            to=to_email,
            subject=render_to_string(subject_template_name, context),
            template=email_template_name,
            context=context,
        )
