"""The people every test talks about : one district, three units, five roles."""

from accounts.models import Role, User
from units.models import Membership, MembershipRole, Unit, UnitKind

PASSWORD = "duban-test-pass"  # noqa: S105 - test persona password


def make_user(username: str, role: str, unit: Unit | None = None, full_name: str = "", **extra) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        full_name=full_name or username,
        email=f"{username}@example.gov.cn",
        **extra,
    )
    if unit is not None:
        membership_role = MembershipRole.HEAD if role == Role.HEAD else MembershipRole.LIAISON
        Membership.objects.create(user=user, unit=unit, role=membership_role)
    return user


class Personas:
    """Lead unit 区发改委, supporting unit 区工信局, unrelated unit 区教体局."""

    def __init__(self) -> None:
        self.lead_unit = Unit.objects.create(name="区发展和改革委员会", short_name="区发改委", kind=UnitKind.DEPARTMENT)
        self.support_unit = Unit.objects.create(
            name="区工业和信息化局", short_name="区工信局", kind=UnitKind.DEPARTMENT
        )
        self.other_unit = Unit.objects.create(name="区教育体育局", short_name="区教体局", kind=UnitKind.DEPARTMENT)
        self.supervisor = make_user("supervisor", Role.SUPERVISOR, full_name="督查室王主任")
        self.leader = make_user("leader", Role.LEADER, full_name="李副区长")
        self.lead_clerk = make_user("lead_clerk", Role.STAFF, self.lead_unit, full_name="发改委联络员")
        self.lead_head = make_user("lead_head", Role.HEAD, self.lead_unit, full_name="发改委主任")
        self.support_clerk = make_user("support_clerk", Role.STAFF, self.support_unit, full_name="工信局联络员")
        self.other_clerk = make_user("other_clerk", Role.STAFF, self.other_unit, full_name="教体局联络员")
