"""The documented demo logins; no database imports, so the launcher can print them."""

from tenants.roles import Role

PASSWORD = "demo12345"  # noqa: S105 - the documented demo password, created only by seed-demo

# e-mail, surname, name, patronymic, then each role: (role, municipality index, organization short name).
ACCOUNTS: list[tuple[str, str, str, str, list[tuple[Role, int | None, str | None]]]] = [
    ("region@demo.local", "Соколова", "Татьяна", "Владимировна", [(Role.regional_coordinator, None, None)]),
    ("municipality@demo.local", "Морозов", "Алексей", "Игоревич", [(Role.municipal_coordinator, 0, None)]),
    ("curator1@demo.local", "Васильева", "Марина", "Андреевна", [(Role.curator, 0, "МБОУ «СОШ № 1»")]),
    # A curator who also mentors in his school: the role switcher in the header has something to switch.
    (
        "curator2@demo.local",
        "Кузнецов",
        "Олег",
        "Дмитриевич",
        [(Role.curator, 1, "МОУ «Озёрская СШ»"), (Role.mentor, 1, "МОУ «Озёрская СШ»")],
    ),
    ("head1@demo.local", "Смирнова", "Елена", "Викторовна", [(Role.head, 0, "МБОУ «СОШ № 1»")]),
    # A pupil of Озёрская СШ in a pair with the mentor above: the mentee's cabinet.
    ("mentee1@demo.local", "Лебедева", "Алина", "Сергеевна", [(Role.mentee, 1, "МОУ «Озёрская СШ»")]),
    # A trainer of the regional network mentor school: an outside expert, no organization of the region's schools.
    ("trainer@demo.local", "Орлова", "Наталья", "Геннадьевна", [(Role.trainer, None, None)]),
    # Contest jurors: jury1 works in МБОУ «Гимназия № 3» of Светлогорск (never sees its entries), jury2 is an invited
    # outside expert who chairs the juries; jury3 and jury4 complete them (a methodologist of Озёрский район, a
    # partner employer's mentoring lead).
    ("jury1@demo.local", "Полякова", "Ирина", "Сергеевна", [(Role.juror, None, None)]),
    ("jury2@demo.local", "Гордеев", "Павел", "Андреевич", [(Role.juror, None, None)]),
    ("jury3@demo.local", "Зайцева", "Ольга", "Николаевна", [(Role.juror, None, None)]),
    ("jury4@demo.local", "Крылов", "Денис", "Олегович", [(Role.juror, None, None)]),
]
ADMIN = ("admin@demo.local", "Администратор", "Платформы", "")
# A second regional coordinator with the second factor on, so the code step of signing in can be tried. Its key is
# documented (this is a demo): any authenticator app, or `pyotp.TOTP(key).now()`, gives the code. Not in ACCOUNTS:
# every account there signs in with the password alone.
SECOND_FACTOR_ACCOUNT = ("region.2fa@demo.local", "Ершова", "Галина", "Павловна")
SECOND_FACTOR_KEY = "NASTAVNIKDEMO2FAKEY7QZ3XW4VB5JLM"  # base32; documented in README

SECOND_FACTOR_NOTE = (
    f"{SECOND_FACTOR_ACCOUNT[0]} (regional coordinator) has the second factor on: TOTP key {SECOND_FACTOR_KEY}"
)

DEMO_LOGINS = [(email, roles[0][0]) for email, *_, roles in ACCOUNTS] + [(ADMIN[0], Role.platform_admin)]
