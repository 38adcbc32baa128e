"""The review workflow: draft -> submitted -> returned/approved, who may move it, what is recorded and mailed."""
import pytest
from django.core import mail

from accounts.models import ReviewStatus, StatusChange
from review.workflow import TransitionRefused, cluster_year_transition
from users.access import permission_problem


def move(world, action, who, comment="", cy=None):
    return cluster_year_transition(
        cluster_year=cy or world.cy_a, action=action, by=world.users[who], comment=comment
    )


def test_full_path_records_every_move(world):
    move(world, "submit", "secretariat_a")
    move(world, "return", "ssu_a", "Syntetisk: budgettet for akutteamet mangler.")
    move(world, "submit", "secretariat_a", "Rettet.")
    move(world, "approve", "ssu_a")
    world.cy_a.refresh_from_db()
    assert world.cy_a.status == ReviewStatus.APPROVED
    rows = list(StatusChange.objects.filter(cluster_year=world.cy_a).values_list(
        "action", "from_status", "to_status", "by__username", "comment"))
    assert rows == [
        ("submit", "draft", "submitted", "sek_a", ""),
        ("return", "submitted", "returned", "ssu_a", "Syntetisk: budgettet for akutteamet mangler."),
        ("submit", "returned", "submitted", "sek_a", "Rettet."),
        ("approve", "submitted", "approved", "ssu_a", ""),
    ]
    assert all(c.at is not None for c in StatusChange.objects.filter(cluster_year=world.cy_a))


@pytest.mark.parametrize(("setup", "action", "who", "comment", "message", "code"), [
    # a secretariat cannot approve its own accounts
    (["submit"], "approve", "secretariat_a", "", "Du har ikke adgang til denne handling.", "forbidden"),
    # an SSU member of another region can neither approve nor return
    (["submit"], "approve", "ssu_other", "", "Du har ikke adgang til denne handling.", "forbidden"),
    (["submit"], "return", "ssu_other", "x", "Du har ikke adgang til denne handling.", "forbidden"),
    # national readers only read
    (["submit"], "approve", "national", "", "Du har ikke adgang til denne handling.", "forbidden"),
    # another cluster's secretariat cannot submit
    ([], "submit", "secretariat_b", "", "Du har ikke adgang til denne handling.", "forbidden"),
    # a draft cannot be approved or returned
    ([], "approve", "ssu_a", "", "Kun et indsendt regnskab kan godkendes (status er «Kladde»).", "invalid"),
    ([], "return", "ssu_a", "x", "Kun et indsendt regnskab kan sendes retur (status er «Kladde»).", "invalid"),
    # return without a comment
    (["submit"], "return", "ssu_a", "   ", "Skriv en kommentar til klyngesekretariatet", "invalid"),
    # submitted twice
    (["submit"], "submit", "secretariat_a", "", "Regnskabet kan kun indsendes fra kladde", "invalid"),
    # reopening needs an approved account and a reason
    (["submit"], "reopen_review", "ssu_a", "x", "Kun et godkendt regnskab kan genåbnes", "invalid"),
    (["submit", "approve"], "reopen_review", "ssu_a", "", "Skriv en begrundelse", "invalid"),
    (["submit", "approve"], "reopen_review", "secretariat_a", "x", "Du har ikke adgang", "forbidden"),
    (["submit", "approve"], "reopen_review", "ssu_other", "x", "Du har ikke adgang", "forbidden"),
])
def test_refused_transitions_change_nothing(world, setup, action, who, comment, message, code):
    actors = {"submit": "secretariat_a", "approve": "ssu_a"}
    for step in setup:
        move(world, step, actors[step])
    world.cy_a.refresh_from_db()
    before_status = world.cy_a.status
    before_changes = StatusChange.objects.count()
    with pytest.raises(TransitionRefused) as refused:
        move(world, action, who, comment)
    assert message in refused.value.messages[0]
    assert refused.value.code == code
    world.cy_a.refresh_from_db()
    assert world.cy_a.status == before_status
    assert StatusChange.objects.count() == before_changes


def test_approved_accounts_refuse_changes_and_reopen_with_reason(world):
    move(world, "submit", "secretariat_a")
    move(world, "approve", "ssu_a")
    world.cy_a.refresh_from_db()
    assert permission_problem(world.users["secretariat_a"], "edit_accounts", world.cy_a) == (
        "Regnskabet kan ikke ændres i status «Godkendt»."
    )
    change = move(world, "reopen_review", "admin", "Syntetisk: en postering var bogført på forkert indsats.")
    assert (change.from_status, change.to_status) == ("approved", "returned")
    world.cy_a.refresh_from_db()
    assert permission_problem(world.users["secretariat_a"], "edit_accounts", world.cy_a) is None


def test_approved_accounts_refuse_new_entries_through_the_accounts_service(world):
    services = pytest.importorskip("accounts.services")
    from django.core.exceptions import PermissionDenied

    from tests.review.conftest import municipality_of

    move(world, "submit", "secretariat_a")
    move(world, "approve", "ssu_a")
    with pytest.raises(PermissionDenied, match="Godkendt"):
        services.entry_create(
            cluster_year=world.cy_a, initiative=world.init_a, party_kind="municipality",
            municipality=municipality_of(world.cy_a.cluster), booking_date="2022-05-01", kind="expense",
            amount="100,00", account_code="4.62.82.1.01", text="Syntetisk", cost_kind="development",
            created_by=world.users["secretariat_a"],
        )


def test_ssu_reopens_own_region_only(world):
    move(world, "submit", "secretariat_a")
    move(world, "approve", "ssu_a")
    change = move(world, "reopen_review", "ssu_a", "Syntetisk begrundelse")
    assert change.comment == "Syntetisk begrundelse"


def test_mail_is_sent_on_commit_only(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        move(world, "submit", "secretariat_a")
    assert len(callbacks) == 1
    assert mailoutbox == []  # nothing before the commit
    callbacks[0]()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    # the region's SSU is told; not the other region's, not the one who acted
    assert message.to == ["ssu_a@example.invalid"]
    assert message.subject == "Klyngeregnskab Aarhusklyngen (Midtjylland) 2022: indsendt"
    assert "Af: Syntetisk secretariat_a" in message.body
    assert "https://klyngeportal.example/" in message.body


def test_return_mail_goes_to_the_secretariat_with_the_comment(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        move(world, "submit", "secretariat_a")
        move(world, "return", "ssu_a", "Syntetisk: mangler bilag for marts.")
    assert [m.to for m in mailoutbox] == [["ssu_a@example.invalid"], ["secretariat_a@example.invalid"]]
    assert "Syntetisk: mangler bilag for marts." in mailoutbox[1].body
    assert mailoutbox[1].subject.endswith("sendt retur")


def test_no_mail_when_refused(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(TransitionRefused):
            move(world, "approve", "ssu_a")
    assert callbacks == []
    assert mail.outbox == []


def test_a_failing_mail_server_does_not_undo_or_break_the_move(world, settings, caplog,
                                                              django_capture_on_commit_callbacks):
    # Nothing listens on port 9 here: the SMTP connection is refused.
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
    }}
    with django_capture_on_commit_callbacks(execute=True):
        move(world, "submit", "secretariat_a")
    world.cy_a.refresh_from_db()
    assert world.cy_a.status == ReviewStatus.SUBMITTED
    assert "kunne ikke sendes" in caplog.text
