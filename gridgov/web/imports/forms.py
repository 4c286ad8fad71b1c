from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive; anything else is not one, whatever its name


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("名单文件"),
        help_text=_("用模板填写的 Excel 文件（.xlsx），不超过 20 MB。"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        error_messages={"required": _("请选择要上传的 .xlsx 文件。"), "empty": _("上传的文件是空的。")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if name.endswith((".xls", ".et", ".csv")):
            raise forms.ValidationError(
                gettext("不支持 %(ext)s 文件：请在 Excel 或 WPS 中“另存为” .xlsx 格式后再上传。")
                % {"ext": name.rsplit(".", 1)[-1]}
            )
        if not name.endswith(".xlsx"):
            raise forms.ValidationError(gettext("只能上传 .xlsx 格式的 Excel 文件。"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                gettext("文件不能超过 20 MB（这个文件有 %(size).1f MB），请按社区或网格拆分后分别上传。")
                % {"size": upload.size / 1024 / 1024}
            )
        head = upload.read(len(ZIP_MAGIC))
        upload.seek(0)
        if head != ZIP_MAGIC:
            raise forms.ValidationError(
                gettext("文件内容不是 .xlsx 格式（可能只改了扩展名）：请在 Excel 中“另存为” .xlsx 后再上传。")
            )
        return upload
