"""The expected outcome of every URL for every role, for GET and POST.

test_matrix.py walks the URL configuration and requires a rule here for each
named URL: a URL without one fails the matrix with its name. A rule says how
to build the URL's kwargs (and a POST body) from the matrix's World
(tests/factories.py) and what each role gets.

Policy (issues 3-7): reference data (geography, allocation results, Table 2,
reconciliation, the national collection) is read by every logged-in role;
anonymous users are sent to /log-ind/. A cluster's accounts are seen by its
secretariat, its region's SSU, national readers and administrators; another
cluster's secretariat and another region's SSU get 404. Writes: the cluster's
secretariat and administrators (403 for others who can see, 404 for those who
cannot). SSU transitions: the region's SSU and administrators. Allocation
scenarios and the admin: administrators only.

The POST body is the same for every role: the body that succeeds for an
allowed role is the forged body of a refused one, which must change nothing.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests import factories

ROLES = ("anonymous", "secretariat_a", "secretariat_b", "ssu_a", "ssu_other", "national", "admin")
METHODS = ("GET", "POST")


@dataclass(frozen=True)
class Outcome:
    label: str
    statuses: frozenset[int]
    location: str | None = None  # a redirect must start with this
    writes: bool = False  # the request must change data (only allowed POSTs)

    def __str__(self):
        return self.label


OK = Outcome("200", frozenset({200}))
LOGIN = Outcome("login", frozenset({302}), location="/log-ind/?next=")
ADMIN_LOGIN = Outcome("admin-login", frozenset({302}), location="/admin/login/?next=")
FORBIDDEN = Outcome("403", frozenset({403}))
NOT_FOUND = Outcome("404", frozenset({404}))
NOT_ALLOWED = Outcome("405", frozenset({405}))
# A successful write: 200 (a page showing the result) or a redirect to a page that is not the login.
WRITE = Outcome("write", frozenset({200, 302}), writes=True)
# A POST that is accepted but writes nothing (e.g. a form shown again with its errors).
ACCEPTED = Outcome("accepted", frozenset({200, 302}))
# A redirect to another page (not the login) that writes nothing, e.g. "nothing to export" with a message.
REDIRECT = Outcome("302", frozenset({302}))
# POST to a page that only reads: 405 from a class-based view, or the page again from a plain
# function view. Either way nothing changes (the matrix checks the data).
READ_ONLY = Outcome("405|200-uden-ændring", frozenset({200, 405}))
# The same for a user who may not see the object: 405 (method checked first) or 404.
HIDDEN_READ_ONLY = Outcome("405|404", frozenset({404, 405}))


def redirect_to(location: str) -> Outcome:
    return Outcome(f"302->{location}", frozenset({302}), location=location)


def per_role(anonymous, secretariat_a, secretariat_b, ssu_a, ssu_other, national, admin) -> dict[str, Outcome]:
    return dict(zip(ROLES, (anonymous, secretariat_a, secretariat_b, ssu_a, ssu_other, national, admin), strict=True))


def logged_in(outcome: Outcome) -> dict[str, Outcome]:
    """The same outcome for every logged-in role; anonymous goes to the login page."""
    return per_role(LOGIN, outcome, outcome, outcome, outcome, outcome, outcome)


# --- policies ---------------------------------------------------------------
READ_ALL = logged_in(OK)
GET_ONLY = logged_in(READ_ONLY)  # a read-only page answers POST with 405 (or itself) and changes nothing
POST_ONLY = logged_in(NOT_ALLOWED)  # an action (require_POST) answers GET with 405
CLUSTER_READ = per_role(LOGIN, OK, NOT_FOUND, OK, NOT_FOUND, OK, OK)
CLUSTER_READ_POST = per_role(LOGIN, READ_ONLY, HIDDEN_READ_ONLY, READ_ONLY, HIDDEN_READ_ONLY, READ_ONLY, READ_ONLY)
# Writes to cluster A's accounts (and their form pages on GET).
CLUSTER_WRITE = per_role(LOGIN, WRITE, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORBIDDEN, WRITE)
CLUSTER_FORM = per_role(LOGIN, OK, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORBIDDEN, OK)
# The SSU's review transitions on cluster A's submitted accounts.
SSU_WRITE = per_role(LOGIN, FORBIDDEN, NOT_FOUND, WRITE, NOT_FOUND, FORBIDDEN, WRITE)
SSU_FORM = per_role(LOGIN, FORBIDDEN, NOT_FOUND, OK, NOT_FOUND, FORBIDDEN, OK)
# Region A's pages for the SSU: readable by the region's SSU, national and admin.
REGION_READ = per_role(LOGIN, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, OK, OK)
ADMIN_ONLY_READ = per_role(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)
ADMIN_ONLY_WRITE = per_role(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, WRITE)
ADMIN_ONLY_ACCEPTED = per_role(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ACCEPTED)


def cy_a(world) -> dict:
    return {"pk": world.cy_a.pk}


def with_funding(world) -> None:
    """Propose A's 2022 start-up funding (a joint municipal line and the region's line) for this test."""
    factories.without_municipal_populations(2022)  # so the municipal side is one joint line to split
    lines = factories.propose_funding(world.cy_a, by=world.users["secretariat_a"])
    world.extra["joint_line"] = next(line for line in lines if line.party_kind == "municipalities")
    world.extra["region_line"] = next(line for line in lines if line.party_kind == "region")


def entry_body(world) -> dict:
    return {
        "initiative": world.initiative_a.pk, "party": f"m:{world.municipality_a.pk}", "booking_date": "2022-05-02",
        "kind": "expense", "amount": "1.234,50", "account_code": factories.MUNICIPAL_ACCOUNT, "voucher": "SYN-9",
        "text": "Syntetisk postering fra matrixen", "cost_kind": "development",
    }


def initiative_body(world, name="Syntetisk ny indsats") -> dict:
    return {
        "name": name, "area": world.initiative_a.area_id, "description": "Syntetisk",
        "responsible": "cluster", "responsible_municipality": "", "status": "active",
        "first_year": "2022", "last_year": "2022",
    }


def import_body(world) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    if "import_bytes" not in world.extra:
        row = factories.entry_row(world.cy_a, world.initiative_a, party=world.municipality_a.name, amount=777.5, day=9)
        world.extra["import_bytes"] = factories.template_bytes(world.cy_a, rows=[row])
    return {"file": SimpleUploadedFile("syntetisk-matrix.xlsx", world.extra["import_bytes"])}


def with_pending_upload(world) -> None:
    """An upload of cluster A's secretariat waiting for «Indlæs» (its preview seen)."""
    from workbook.importer import preview_file
    from workbook.pending import pending_store
    from workbook.plan_store import plan_preview

    data = import_body(world)["file"].read()
    user = world.users["secretariat_a"]
    plan = preview_file(cluster_year=world.cy_a, data=data, filename="syntetisk-matrix.xlsx", user=user)
    world.extra["pending"] = pending_store(cluster_year=world.cy_a, user=user, data=data,
                                           filename="syntetisk-matrix.xlsx", fingerprint=plan.fingerprint,
                                           reverse_removed=False, preview=plan_preview(plan, user))


def everyone(texts: Callable) -> dict:
    """The same hidden texts for every role."""
    return dict.fromkeys(ROLES, texts)


def b_secret(world) -> list[str]:
    return [factories.B_SECRET]


def cluster_a_name(world) -> list[str]:
    return [world.cluster_a.name]


# A write form of cluster A whose forged body is refused by the form: shown again, nothing saved.
CLUSTER_ACCEPTED = per_role(LOGIN, ACCEPTED, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORBIDDEN, ACCEPTED)
# Cluster A's accounts in a status (approved) or state (closed) where nobody writes.
LOCKED = per_role(LOGIN, FORBIDDEN, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORBIDDEN, FORBIDDEN)

# Another cluster's object addressed through cluster A's URL: nobody may reach it that way.
FOREIGN_OBJECT = per_role(LOGIN, NOT_FOUND, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORBIDDEN, NOT_FOUND)


def no_kwargs(world) -> dict:
    return {}


def empty_body(world) -> dict:
    return {}


@dataclass(frozen=True)
class Rule:
    get: dict[str, Outcome]
    post: dict[str, Outcome]
    label: str = ""  # tells variants of one URL apart (e.g. the action of a transition URL)
    kwargs: Callable = no_kwargs
    post_data: Callable = empty_body
    query: str = ""  # appended to the URL of both methods, e.g. "?_export=csv"
    # runs inside the test's savepoint before the request (state some URLs need, e.g. proposed funding)
    prepare: Callable | None = None
    # role -> texts that must not appear in a 200 answer to that role (a page that leaks another's data)
    hidden: dict = field(default_factory=dict)
    note: str = ""
    extra: dict = field(default_factory=dict)


RULES: dict[str, Rule] = {
    # --- project --------------------------------------------------------------
    "home": Rule(get=READ_ALL, post=GET_ONLY, note="Forsiden."),
    "health": Rule(
        get=per_role(OK, OK, OK, OK, OK, OK, OK),
        post=per_role(READ_ONLY, READ_ONLY, READ_ONLY, READ_ONLY, READ_ONLY, READ_ONLY, READ_ONLY),
        note="Sundhedstjek for load balancer: åben uden login, skriver intet.",
    ),
    "accessibility_statement": Rule(
        get=per_role(OK, OK, OK, OK, OK, OK, OK),
        post=per_role(NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
        note="Tilgængelighedserklæringen: åben for alle (linket i sidefoden), kun GET.",
    ),
    "login": Rule(
        get=per_role(OK, OK, OK, OK, OK, OK, OK),
        # An empty login form is shown again with its errors.
        post=per_role(OK, OK, OK, OK, OK, OK, OK),
        note="Login-siden er åben; en tom formular vises igen med fejl.",
    ),
    "logout": Rule(
        get=per_role(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
        post=per_role(
            redirect_to("/log-ind/"), redirect_to("/log-ind/"), redirect_to("/log-ind/"), redirect_to("/log-ind/"),
            redirect_to("/log-ind/"), redirect_to("/log-ind/"), redirect_to("/log-ind/"),
        ),
        note="Log ud kun med POST.",
    ),
    # "Glemt adgangskode?": open to everyone, logged in or not; nothing in the database changes
    # (the e-mail is the only effect, and an empty form sends none).
    "password_reset": Rule(
        get=per_role(OK, OK, OK, OK, OK, OK, OK),
        post=per_role(OK, OK, OK, OK, OK, OK, OK),
        note="En tom formular vises igen med fejl; der sendes intet.",
    ),
    "password_reset_done": Rule(
        get=per_role(OK, OK, OK, OK, OK, OK, OK),
        post=per_role(NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    ),
    "password_reset_confirm": Rule(
        # A link with a junk user and token: the page says the link does not work, and nothing changes.
        kwargs=lambda w: {"uidb64": "MTIzNDU2Nzg5", "token": "ugyldig-noegle"},
        get=per_role(OK, OK, OK, OK, OK, OK, OK),
        post=per_role(OK, OK, OK, OK, OK, OK, OK),
        post_data=lambda w: {"new_password1": "Syntetisk-ny-kode-42", "new_password2": "Syntetisk-ny-kode-42"},
        note="Et ugyldigt link ændrer ingen adgangskode.",
    ),
    "password_reset_complete": Rule(
        get=per_role(OK, OK, OK, OK, OK, OK, OK),
        post=per_role(NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    ),
    "admin:index": Rule(
        get=per_role(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK),
        post=per_role(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK),
        note="Django-admin: kun administratorer; andre sendes til admin-login.",
    ),
    # --- geography: reference data, read by every logged-in role -------------------
    "geography:region_list": Rule(get=READ_ALL, post=GET_ONLY),
    "geography:table2": Rule(get=READ_ALL, post=GET_ONLY),
    "geography:region_detail": Rule(get=READ_ALL, post=GET_ONLY, kwargs=lambda w: {"slug": w.region_a.slug}),
    "geography:cluster_detail": Rule(
        get=READ_ALL, post=GET_ONLY,
        kwargs=lambda w: {"region_slug": w.region_a.slug, "cluster_slug": w.cluster_a.slug},
        note="Også en anden regions klynge er læsbar: referencedata er offentlige for alle logget ind.",
    ),
    "geography:municipality_detail": Rule(get=READ_ALL, post=GET_ONLY, kwargs=lambda w: {"code": w.municipality_a.code}),
    # --- allocation: results are reference data; scenarios are the administrator's -----
    "allocation:round_list": Rule(get=READ_ALL, post=GET_ONLY),
    "allocation:round_compare": Rule(
        get=READ_ALL, post=GET_ONLY, query="",
        extra={"query": lambda w: f"?a={w.round.slug}&b={w.scenario.slug}"},
    ),
    "allocation:round_detail": Rule(get=READ_ALL, post=GET_ONLY, kwargs=lambda w: {"slug": w.round.slug}),
    "allocation:round_export": [
        Rule(label=fmt, get=READ_ALL, post=GET_ONLY, kwargs=lambda w, fmt=fmt: {"slug": w.round.slug, "fmt": fmt})
        for fmt in ("csv", "xlsx")
    ],
    # The shipped FOLK1A 2022K1 is loaded with the reference data: the per-municipality download works.
    "allocation:round_export_municipalities": [
        Rule(label=fmt, get=READ_ALL, post=GET_ONLY, kwargs=lambda w, fmt=fmt: {"slug": w.round.slug, "fmt": fmt})
        for fmt in ("csv", "xlsx")
    ],
    "allocation:round_cluster": Rule(
        get=READ_ALL, post=GET_ONLY, kwargs=lambda w: {"slug": w.round.slug, "cluster_id": w.cluster_a.pk},
    ),
    "allocation:round_reconciliation": Rule(get=READ_ALL, post=GET_ONLY, kwargs=lambda w: {"slug": w.round.slug}),
    "allocation:round_reconciliation_export": [
        Rule(label=fmt, get=READ_ALL, post=GET_ONLY, kwargs=lambda w, fmt=fmt: {"slug": w.round.slug, "fmt": fmt})
        for fmt in ("csv", "xlsx")
    ],
    "allocation:round_shares": Rule(
        # Reading København's derived shares is for all; saving them changes the cluster map (admin).
        # Without a loaded quarter the admin's POST is answered with a message and saves nothing.
        get=READ_ALL, post=ADMIN_ONLY_ACCEPTED, kwargs=lambda w: {"slug": w.round.slug},
    ),
    "allocation:round_copy": Rule(
        get=ADMIN_ONLY_READ, post=ADMIN_ONLY_WRITE, kwargs=lambda w: {"slug": w.round.slug},
        post_data=lambda w: {"name": "Syntetisk scenarie (kopi)", "description": "Syntetisk", "year": "2022"},
    ),
    "allocation:round_edit": Rule(
        get=ADMIN_ONLY_READ, post=ADMIN_ONLY_WRITE, kwargs=lambda w: {"slug": w.scenario.slug},
        post_data=lambda w: {
            "name": "Syntetisk scenarie, ændret", "description": "Syntetisk", "pot": "90.000.000",
            "municipal_pot": "45.000.000", "population_basis": "funding_population", "reference_date": "01.01.2022",
        },
    ),
    "allocation:round_keys": Rule(
        get=ADMIN_ONLY_READ, post=ADMIN_ONLY_WRITE, kwargs=lambda w: {"slug": w.scenario.slug},
        post_data=lambda w: {
            **{f"key_{region.pk}": "0,2" for region in w.regions},
            **{f"within_{region.pk}": "population" for region in w.regions},
        },
    ),
    "allocation:round_cluster_weights": Rule(
        get=ADMIN_ONLY_READ, post=ADMIN_ONLY_WRITE, kwargs=lambda w: {"slug": w.scenario.slug},
        post_data=lambda w: {f"w_{w.cluster_a.pk}": "2,5"},
    ),
    "allocation:round_municipality_weights": Rule(
        get=ADMIN_ONLY_READ, post=ADMIN_ONLY_WRITE, kwargs=lambda w: {"slug": w.scenario.slug},
        post_data=lambda w: {"lines": f"{w.municipality_a.code};1,05"},
    ),
    "allocation:round_publish": Rule(
        # 2022 already has its published round: the administrator is sent back to the scenario with a
        # message (no "Offentliggør" is offered), and a POST is refused with the same message.
        get=per_role(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT), post=ADMIN_ONLY_ACCEPTED, kwargs=lambda w: {"slug": w.scenario.slug},
    ),
    "allocation:round_delete": Rule(
        get=ADMIN_ONLY_READ, post=ADMIN_ONLY_WRITE, kwargs=lambda w: {"slug": w.scenario.slug},
    ),
    # --- accounts: cluster A's 2022 accounts -------------------------------------------
    "accounts:cluster_year_list": Rule(
        get=READ_ALL, post=GET_ONLY, note="Listen er afgrænset pr. bruger.",
        hidden={"secretariat_b": cluster_a_name, "ssu_other": cluster_a_name},
    ),
    "accounts:cluster_year_open": Rule(
        kwargs=lambda w: {"cluster_id": w.cluster_a.pk, "year": 2027},
        get=POST_ONLY, post=CLUSTER_WRITE, note="Opretter klynge A's regnskab for et nyt år.",
    ),
    # A POST sets the budget control: the secretariat (and an administrator) while the accounts are a draft.
    "accounts:cluster_year_detail": Rule(kwargs=cy_a, get=CLUSTER_READ, post=CLUSTER_WRITE,
                                         post_data=lambda w: {"budget_control": "stop", "large_entry_share": "30,00"},
                                         hidden=everyone(b_secret)),
    "accounts:entry_list": [
        Rule(kwargs=cy_a, get=CLUSTER_READ, post=CLUSTER_READ_POST, hidden=everyone(b_secret)),
        Rule(label="csv", kwargs=cy_a, query="?_export=csv", get=CLUSTER_READ, post=CLUSTER_READ_POST,
             hidden=everyone(b_secret)),
        # A filter naming cluster B's initiative shows nothing of B.
        Rule(label="fremmed-filter", kwargs=cy_a, get=CLUSTER_READ, post=CLUSTER_READ_POST, hidden=everyone(b_secret),
             extra={"query": lambda w: f"?initiative={w.initiative_b.pk}"}),
    ],
    "accounts:entry_create": [
        Rule(kwargs=cy_a, get=CLUSTER_FORM, post=CLUSTER_WRITE, post_data=entry_body),
        # Forged bodies: cluster B's initiative, or a municipality outside cluster A, are refused with the form.
        Rule(label="B-indsats-i-formular", kwargs=cy_a, get=CLUSTER_FORM, post=CLUSTER_ACCEPTED,
             post_data=lambda w: {**entry_body(w), "initiative": w.initiative_b.pk}),
        Rule(label="fremmed-kommune", kwargs=cy_a, get=CLUSTER_FORM, post=CLUSTER_ACCEPTED,
             post_data=lambda w: {**entry_body(w), "party": f"m:{w.municipality_b.pk}"}),
        # Approved accounts and a closed year refuse entries for everyone, administrators included.
        Rule(label="godkendt-år", kwargs=lambda w: {"pk": w.cy_a_approved.pk}, get=LOCKED, post=LOCKED,
             post_data=entry_body),
        Rule(label="afsluttet-år", kwargs=lambda w: {"pk": w.cy_a_closed.pk}, get=LOCKED, post=LOCKED,
             post_data=entry_body),
    ],
    "accounts:entry_reverse": [
        Rule(
            kwargs=lambda w: {"pk": w.cy_a.pk, "entry_pk": w.entry_a.pk}, get=CLUSTER_FORM, post=CLUSTER_WRITE,
            post_data=lambda w: {"text": "Syntetisk tilbageførsel"},
        ),
        Rule(
            label="B-postering-via-A", kwargs=lambda w: {"pk": w.cy_a.pk, "entry_pk": w.entry_b.pk},
            get=FOREIGN_OBJECT, post=FOREIGN_OBJECT, post_data=lambda w: {"text": "Forfalsket"},
        ),
    ],
    "accounts:initiative_create": Rule(kwargs=cy_a, get=CLUSTER_FORM, post=CLUSTER_WRITE, post_data=initiative_body),
    "accounts:initiative_edit": [
        Rule(
            kwargs=lambda w: {"pk": w.cy_a.pk, "initiative_pk": w.initiative_a.pk},
            get=CLUSTER_FORM, post=CLUSTER_WRITE, post_data=lambda w: initiative_body(w, "Syntetisk indsats A, omdøbt"),
        ),
        Rule(
            label="B-indsats-via-A", kwargs=lambda w: {"pk": w.cy_a.pk, "initiative_pk": w.initiative_b.pk},
            get=FOREIGN_OBJECT, post=FOREIGN_OBJECT, post_data=lambda w: initiative_body(w, "Forfalsket"),
        ),
    ],
    "accounts:funding_propose": Rule(kwargs=cy_a, get=POST_ONLY, post=CLUSTER_WRITE),
    "accounts:funding_create": Rule(
        kwargs=cy_a, get=CLUSTER_FORM, post=CLUSTER_WRITE,
        post_data=lambda w: {"source": "local", "party": f"m:{w.municipality_a.pk}", "allocated": "",
                             "paid": "25.000,00", "text": "Syntetiske decentrale midler"},
    ),
    "accounts:funding_edit": Rule(
        prepare=with_funding, kwargs=lambda w: {"pk": w.cy_a.pk, "line_pk": w.extra["region_line"].pk},
        get=CLUSTER_FORM, post=CLUSTER_WRITE, post_data=lambda w: {"paid": "1.000.000,00", "text": "Syntetisk"},
    ),
    "accounts:funding_split": Rule(
        prepare=with_funding, kwargs=lambda w: {"pk": w.cy_a.pk, "line_pk": w.extra["joint_line"].pk},
        get=CLUSTER_FORM, post=CLUSTER_WRITE,
        post_data=lambda w: {f"m_{w.municipality_a.pk}": "100.000,00", "accept_difference": "on"},
    ),
    "accounts:budget_list": Rule(kwargs=cy_a, get=CLUSTER_READ, post=CLUSTER_READ_POST),
    "accounts:budget_create": Rule(
        kwargs=cy_a, get=CLUSTER_FORM, post=CLUSTER_WRITE,
        post_data=lambda w: {"initiative": w.initiative_a.pk, "source": "local",
                             "party": f"m:{w.municipality_a.pk}", "amount": "5.000,00"},
    ),
    "accounts:budget_edit": [
        Rule(
            kwargs=lambda w: {"pk": w.cy_a.pk, "line_pk": w.budget_a.pk}, get=CLUSTER_FORM, post=CLUSTER_WRITE,
            post_data=lambda w: {"amount": "150.000,00"},
        ),
        Rule(
            label="B-linje-via-A", kwargs=lambda w: {"pk": w.cy_a.pk, "line_pk": w.budget_b.pk},
            get=FOREIGN_OBJECT, post=FOREIGN_OBJECT, post_data=lambda w: {"amount": "1,00"},
        ),
    ],
    "accounts:budget_phasing": [
        # The phasing of a budget line: as its edit (the POST puts the whole amount in January).
        Rule(
            kwargs=lambda w: {"pk": w.cy_a.pk, "line_pk": w.budget_a.pk}, get=CLUSTER_FORM, post=CLUSTER_WRITE,
            post_data=lambda w: {"p1": str(w.budget_a.amount).replace(".", ","),
                                 **{f"p{m}": "0" for m in range(2, 13)}},
        ),
        Rule(
            label="B-linje-via-A", kwargs=lambda w: {"pk": w.cy_a.pk, "line_pk": w.budget_b.pk},
            get=FOREIGN_OBJECT, post=FOREIGN_OBJECT, post_data=lambda w: {"equal": "1"},
        ),
    ],
    "accounts:carryover": Rule(
        # Everyone who sees the accounts reads the carry-over; commitments are recorded by those who close.
        prepare=with_funding, kwargs=cy_a, get=CLUSTER_READ, post=CLUSTER_WRITE,
        post_data=lambda w: {"party": f"r:{w.region_a.pk}", "amount": "1.000,00",
                             "committed_by": "Syntetisk økonomichef", "committed_on": "2022-12-01", "note": ""},
    ),
    "accounts:year_close": [
        # Draft accounts: the secretariat is refused (the SSU has not approved them); an administrator closes
        # with a reason.
        Rule(kwargs=cy_a, get=CLUSTER_FORM, post=per_role(LOGIN, FORBIDDEN, NOT_FOUND, FORBIDDEN, NOT_FOUND,
                                                           FORBIDDEN, WRITE),
             post_data=lambda w: {"reason": "Syntetisk: afsluttet før godkendelse."}),
        Rule(label="godkendt-år", kwargs=lambda w: {"pk": w.cy_a_approved.pk}, get=CLUSTER_FORM, post=CLUSTER_WRITE),
    ],
    "accounts:year_reopen": Rule(
        kwargs=lambda w: {"pk": w.cy_a_closed.pk},
        get=per_role(LOGIN, FORBIDDEN, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORBIDDEN, OK),
        post=per_role(LOGIN, FORBIDDEN, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORBIDDEN, WRITE),
        post_data=lambda w: {"reason": "Syntetisk: en postering manglede."},
        note="Genåbning af et afsluttet år: kun administrator.",
    ),
    "accounts:history": Rule(kwargs=cy_a, get=CLUSTER_READ, post=CLUSTER_READ_POST, hidden=everyone(b_secret)),
    # --- workbook: the Excel template of cluster A's 2022 accounts ---------------------
    "workbook:template": Rule(kwargs=cy_a, get=CLUSTER_READ, post=CLUSTER_READ_POST),
    "workbook:export": Rule(kwargs=cy_a, get=CLUSTER_READ, post=CLUSTER_READ_POST),
    "workbook:import_upload": Rule(
        # The upload page is shown to everyone who sees the accounts (with the reason when they may not
        # import, and the list of earlier imports); only the secretariat and administrators import.
        kwargs=cy_a, get=CLUSTER_READ, post=CLUSTER_WRITE, post_data=import_body,
    ),
    "workbook:import_preview": Rule(
        # The preview of an upload kept for «Indlæs»: only its uploader (cluster A's secretariat) sees and books
        # it; an administrator is sent back to the upload page (not theirs), the others as for the accounts.
        prepare=with_pending_upload, kwargs=lambda w: {"pk": w.cy_a.pk, "upload_pk": w.extra["pending"].pk},
        get=per_role(LOGIN, OK, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORBIDDEN, ACCEPTED),
        post=per_role(LOGIN, WRITE, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORBIDDEN, ACCEPTED),
    ),
    "workbook:import_detail": Rule(kwargs=lambda w: {"pk": w.batch_a.pk}, get=CLUSTER_READ, post=CLUSTER_READ_POST),
    "workbook:import_reverse": Rule(kwargs=lambda w: {"pk": w.batch_a.pk}, get=CLUSTER_FORM, post=CLUSTER_WRITE),
    # --- review --------------------------------------------------------------------
    "review:collection": Rule(get=READ_ALL, post=GET_ONLY, note="Gode erfaringer: alle logget ind læser."),
    "review:inbox": Rule(
        get=READ_ALL, post=GET_ONLY, note="Mine opgaver: hver bruger ser sine egne.",
        hidden={"secretariat_b": cluster_a_name, "ssu_other": cluster_a_name},
    ),
    "review:region": Rule(
        kwargs=lambda w: {"region_slug": w.region_a.slug, "year": 2022},
        # The SSU's page: secretariats are refused (403), another region's SSU learns nothing (404).
        get=REGION_READ,
        post=per_role(LOGIN, FORBIDDEN, FORBIDDEN, READ_ONLY, HIDDEN_READ_ONLY, READ_ONLY, READ_ONLY),
    ),
    "review:cluster_year": Rule(
        kwargs=lambda w: {"pk": w.cy_a.pk}, get=CLUSTER_READ, post=CLUSTER_READ_POST,
        note="Klyngeregnskabets opfølgning med kommentartråd.",
    ),
    "review:comment_add": Rule(
        kwargs=lambda w: {"pk": w.cy_a.pk},
        get=POST_ONLY,
        post=per_role(LOGIN, WRITE, NOT_FOUND, WRITE, NOT_FOUND, FORBIDDEN, WRITE),
        post_data=lambda w: {"text": "Syntetisk kommentar"},
        note="Kommentarer: klyngens sekretariat, regionens SSU og administrator.",
    ),
    "review:transition": [
        Rule(
            label="submit", kwargs=lambda w: {"pk": w.cy_a.pk, "action": "submit"},
            get=POST_ONLY, post=per_role(LOGIN, WRITE, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORBIDDEN, WRITE),
        ),
        Rule(
            label="return", kwargs=lambda w: {"pk": w.cy_a_submitted.pk, "action": "return"},
            get=POST_ONLY, post=SSU_WRITE, post_data=lambda w: {"comment": "Syntetisk: ret venligst budgettet."},
        ),
        Rule(
            label="approve", kwargs=lambda w: {"pk": w.cy_a_submitted.pk, "action": "approve"},
            get=POST_ONLY, post=SSU_WRITE,
        ),
        Rule(
            label="reopen_review", kwargs=lambda w: {"pk": w.cy_a_approved.pk, "action": "reopen_review"},
            get=POST_ONLY, post=SSU_WRITE, post_data=lambda w: {"comment": "Syntetisk: genåbnes."},
        ),
    ],
    "review:evaluation_edit": Rule(
        kwargs=lambda w: {"initiative_pk": w.initiative_a.pk, "year": 2022},
        # Scope first (issue 14): outside cluster A's scope the same 404 as for no initiative at all;
        # those who see A's accounts but may not write get the reason (403).
        get=per_role(LOGIN, OK, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORBIDDEN, OK),
        post=per_role(LOGIN, WRITE, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORBIDDEN, WRITE),
        post_data=lambda w: {
            "challenge": "Syntetisk udfordring, ændret", "success_criteria": "Syntetisk", "measurement": "Syntetisk",
            "measured_when": "Ved årets udgang", "follow_up_responsible": "Syntetisk", "result": "Syntetisk",
            "status": "completed",
        },
    ),
    "review:evaluation_detail": Rule(
        kwargs=lambda w: {"pk": w.evaluation_a.pk},
        get=READ_ALL,
        # POST records the SSU's spreading decision: the region's SSU and administrators.
        post=per_role(LOGIN, FORBIDDEN, FORBIDDEN, WRITE, FORBIDDEN, FORBIDDEN, WRITE),
        post_data=lambda w: {"decision": "recommended", "reasons": "Syntetisk begrundelse"},
    ),
}
