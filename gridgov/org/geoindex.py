"""Point -> area lookup over every boundary drawn in the area tree."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from gridgov.lib import areacode, geo
from gridgov.org.models import Area, GeoIndexVersion


def _entries():
    rows = Area.objects.filter(boundary__isnull=False, is_active=True).values_list("id", "code", "boundary")
    return [(pk, areacode.depth(code), geo.parse_boundary(boundary)) for pk, code, boundary in rows]


index = geo.CachedIndex(_entries, GeoIndexVersion.current)


def locate(lng: float, lat: float):
    """The deepest area (grid before community before street) whose boundary holds the point."""
    area_id = index.get().locate(lng, lat)
    return Area.objects.get(pk=area_id) if area_id else None


def locate_id(lng: float, lat: float):
    return index.get().locate(lng, lat)


@receiver(post_save, sender=Area)
def _boundary_saved(sender, instance, **kwargs):
    if getattr(instance, "_index_stale", False):
        index.invalidate()


@receiver(post_delete, sender=Area)
def _area_deleted(sender, instance, **kwargs):
    if instance.boundary is not None:
        GeoIndexVersion.bump()
        index.invalidate()
