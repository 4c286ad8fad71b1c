from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from gridgov.org.models import Area
from gridgov.org.scope import user_roles


@never_cache
def healthz(request):
    """200 when the database answers; 503 otherwise (for load balancers and monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request):
    areas = Area.objects.visible_to(request.user).filter(level__in=["street", "community", "grid"])[:50]
    return render(request, "web/home.html", {"areas": areas, "roles": sorted(user_roles(request.user))})
