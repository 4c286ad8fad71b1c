"""Token login for API clients. It goes through django.contrib.auth.authenticate(), so
the django-axes lockout counts and refuses API logins the same as the login page."""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=gettext_lazy("用户名"), max_length=150)
    password = serializers.CharField(
        label=gettext_lazy("密码"), max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(label=gettext_lazy("令牌"))


class ObtainTokenView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_token_create",
        summary=gettext_lazy("用用户名和密码换取 API 令牌"),
        description=gettext_lazy("以后的请求带上请求头 `Authorization: Token <令牌>`。连续输错密码会被暂时锁定。"),
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description=gettext_lazy("用户名或密码不正确。")),
            settings.AXES_HTTP_RESPONSE_CODE: OpenApiResponse(
                response=inline_serializer("LockedOut", {"detail": serializers.CharField()}),
                description=gettext_lazy("登录失败次数过多，账号已暂时锁定。"),
            ),
        },
        tags=["auth"],
    )
    def post(self, request):
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        credentials = {"username": form.validated_data["username"]}
        user = authenticate(request, password=form.validated_data["password"], **credentials)
        if user is None:
            if AxesProxyHandler.is_locked(request, credentials):
                return Response(
                    {"detail": _("登录失败次数过多，账号已暂时锁定，请稍后再试。")},
                    status=settings.AXES_HTTP_RESPONSE_CODE,
                )
            raise serializers.ValidationError({"non_field_errors": [_("用户名或密码不正确。")]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key}, status=status.HTTP_200_OK)
