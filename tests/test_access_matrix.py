"""Which actions each role may take, on an object in its scope and one outside it.

in = 张大爷 / 甲一网格 (in every staff persona's scope but community2's),
out = 赵女士 / 乙一网格 (乙社区).
"""

import pytest

from tests.personas import PERSONAS


@pytest.fixture
def world(shared_world, db):
    return shared_world


# perm -> personas allowed on the in-scope object (zhang / g1). Everyone else is denied.
ON_ZHANG = {
    "people.view_resident": {"street", "community", "grid", "member", "resident", "auditor"},
    "people.change_resident": {"street", "community", "grid"},
    "people.delete_resident": {"street", "community"},
    "people.unmask_id_number": {"street", "community"},
    "people.unmask_phone": {"street", "community", "grid"},
    "people.add_residenttag": {"street", "community", "grid"},
}
ON_G1 = {
    "org.change_area": {"street", "community"},
    "org.add_area": {"street", "community"},
    "people.add_household": {"street", "community", "grid"},
    "people.import_households": {"street", "community"},
    "org.add_partyorg": {"street", "community"},
    "audit.view_accesslog": {"street", "auditor"},
}
# On 赵女士 (乙社区) only the street-level roles and 乙社区's staff reach.
ON_ZHAO = {
    "people.view_resident": {"street", "community2", "auditor"},
    "people.change_resident": {"street", "community2"},
    "people.unmask_id_number": {"street", "community2"},
    "people.unmask_phone": {"street", "community2"},
}


def _cases(table):
    return [(perm, persona, persona in allowed) for perm, allowed in table.items() for persona in PERSONAS]


@pytest.mark.parametrize("perm, persona, allowed", _cases(ON_ZHANG))
def test_permission_on_in_scope_resident(world, perm, persona, allowed):
    assert world.user(persona).has_perm(perm, world.residents["zhang"]) is allowed


@pytest.mark.parametrize("perm, persona, allowed", _cases(ON_G1))
def test_permission_on_in_scope_grid(world, perm, persona, allowed):
    assert world.user(persona).has_perm(perm, world.areas["g1"]) is allowed


@pytest.mark.parametrize("perm, persona, allowed", _cases(ON_ZHAO))
def test_permission_on_out_of_scope_resident(world, perm, persona, allowed):
    assert world.user(persona).has_perm(perm, world.residents["zhao"]) is allowed


def test_superuser_may_do_everything(world):
    admin = world.user("admin")
    for perm in {**ON_ZHANG, **ON_ZHAO}:
        assert admin.has_perm(perm, world.residents["zhao"])
