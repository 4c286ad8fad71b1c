from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gridgov.accounts import otp
from gridgov.lib import idcard


class StaffLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self):
        try:
            return idcard.validate_phone(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None


class CodeForm(PhoneForm):
    code = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


@require_http_methods(["GET", "POST"])
def resident_login(request):
    """Step 1: phone number -> code sent. Step 2: phone + code -> logged in."""
    step = "phone"
    form = PhoneForm()
    if request.method == "POST":
        if "code" in request.POST:
            step = "code"
            form = CodeForm(request.POST)
            if form.is_valid():
                user = authenticate(request, phone=form.cleaned_data["phone"], code=form.cleaned_data["code"])
                if user is not None:
                    login(request, user, backend="gridgov.accounts.backends.PhoneCodeBackend")
                    return redirect("home")
                form.add_error("code", _("验证码不正确或已过期，请重新获取。"))
        else:
            form = PhoneForm(request.POST)
            if form.is_valid():
                try:
                    otp.send_code(form.cleaned_data["phone"])
                except ValidationError as exc:
                    form.add_error("phone", exc.messages)
                else:
                    messages.info(request, _("如果该手机号已在社区登记，验证码已发送，请查收短信。"))
                    step = "code"
                    form = CodeForm(initial={"phone": form.cleaned_data["phone"]})
    return render(request, "accounts/resident_login.html", {"form": form, "step": step})
