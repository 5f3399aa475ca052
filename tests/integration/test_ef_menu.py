"""eFiling: who may file (and, for everyone else, exactly what is missing),
the eFiling Menu (seed 001 step 25) with its drafts, My Filings (filter,
paging, a group administrator's view) and the envelope page's access."""
import re
import secrets

from helpers_casenet import seed_case, unique_tag
from helpers_core import new_browser
from helpers_efiling import (ECF, add_member, ef_court, filer, group_filer, make_group,
                             subscribe)
from test_ef_filing import Filer, existing_draft, plain, q, rows

SUBSCRIBE = ("Subscribe to Electronic Case Filing: My Account, My Applications, Electronic "
             "Case Filing, Subscribe.")
AGREEMENT = "Accept the current User Agreement"
MOBAR = ("Verify your MOBAR number under My Account (attorneys), or join your law firm's or "
         "agency's group with its association URL and Group PIN.")


def missing(html):
    """The sentences of the "what is missing" list."""
    m = re.search(r'<ul id="missing">(.*?)</ul>', html, re.S)
    assert m, html[:2000]
    return [plain(x).strip() for x in re.findall(r"<li>(.*?)</li>", m.group(1), re.S)]


def refused(f):
    """The eFiling Menu of a filer who may not file: its sentences. A new
    draft is refused with the same sentences."""
    r = f.get("/")
    assert r.status_code == 200
    assert "<title>eFiling Menu</title>" in r.text
    assert 'id="new-case"' not in r.text
    assert re.search(r'<a id="myaccount" href="[^"]*/registration/myaccount"', r.text), r.text
    assert "association URL" in plain(r.text)
    sentences = missing(r.text)
    r = f.post("/new", {"kind": "new"})
    assert r.status_code == 403 and missing(r.text) == sentences
    return sentences


def test_not_subscribed(apache, mariadb, new_account, smtp):
    acct = new_account(roles=["attorney"], prefix="efns")
    s = refused(Filer(apache, acct, smtp))
    assert s[0] == SUBSCRIBE and s[1].startswith(AGREEMENT) and len(s) == 2


def test_no_agreement(apache, mariadb, new_account, smtp):
    acct = new_account(roles=["attorney"], prefix="efna")
    subscribe(mariadb, acct, agreement=False)
    s = refused(Filer(apache, acct, smtp))
    assert len(s) == 1 and s[0].startswith(AGREEMENT)


def test_no_mobar_and_no_group(apache, mariadb, new_account, smtp):
    acct = new_account(prefix="efnm")
    subscribe(mariadb, acct)
    assert refused(Filer(apache, acct, smtp)) == [MOBAR]


def test_disabled_member(apache, mariadb, new_account, smtp):
    acct, gid = group_filer(mariadb, new_account, status="disabled")
    name = mariadb.value(f"SELECT name FROM mc_group WHERE id = {gid}")
    assert refused(Filer(apache, acct, smtp)) == [
        f"You have been disabled from the group {name}; ask your group administrator to "
        "activate you."]


def test_deactivated_group(apache, mariadb, new_account, smtp):
    acct, gid = group_filer(mariadb, new_account)
    mariadb.sql(f"UPDATE mc_group SET status = 'inactive' WHERE id = {gid}")
    name = mariadb.value(f"SELECT name FROM mc_group WHERE id = {gid}")
    assert refused(Filer(apache, acct, smtp)) == [
        f"Your group {name} is deactivated; its members cannot file. Contact the court's "
        "Security unit."]


def test_attorney_and_group_user_get_the_menu(apache, mariadb, new_account, smtp):
    for acct in (filer(mariadb, new_account), group_filer(mariadb, new_account)[0]):
        f = Filer(apache, acct, smtp)
        r = f.get("/")
        assert r.status_code == 200 and "<title>eFiling Menu</title>" in r.text
        assert 'id="missing"' not in r.text
        t = plain(r.text)
        for label in ("New case", "File into an existing case", "Drafts", "My Filings"):
            assert label in t, label
        assert "You have no drafts." in t
        # Two forms to /new with the kind.
        assert r.text.count(f'action="{ECF}/new"') == 2
        assert 'name="kind" value="new"' in r.text and 'name="kind" value="existing"' in r.text
        assert f'href="{ECF}/filings"' in r.text
        assert f.new("existing") > 0
        r = f.get("/")
        assert "You have no drafts." not in plain(r.text) and "Resume" in plain(r.text)
    r = f.post("/new", {"kind": "other"})
    assert r.status_code == 400 and "Choose New case or File into an existing case." in r.text


def test_group_admin_note(apache, mariadb, new_account, smtp):
    gid = make_group(mariadb)
    adm = new_account(prefix="efgadm")
    add_member(mariadb, gid, adm, admin=True)
    subscribe(mariadb, adm)
    t = plain(Filer(apache, adm, smtp).get("/").text)
    assert "As group administrator you also see your group's filings under My Filings." in t


# ---- My Filings -------------------------------------------------------------------

def envelope(mariadb, acct, court, status, gid=None, caption="X V Y"):
    number = None if status == "draft" else f"EF2099-{secrets.randbelow(10**7):07d}"
    mariadb.sql(
        "INSERT INTO mc_ef_envelope (number, account_id, group_id, court_code, kind, caption, "
        "status, step, created_at, updated_at, submitted_at) VALUES "
        f"({q(number) if number else 'NULL'}, {acct.id}, {gid or 'NULL'}, {q(court['code'])}, "
        f"'new', {q(caption)}, {q(status)}, 'review', UTC_TIMESTAMP(), UTC_TIMESTAMP(), "
        f"{'NULL' if status == 'draft' else 'UTC_TIMESTAMP()'})")
    return int(mariadb.value(f"SELECT MAX(id) FROM mc_ef_envelope WHERE account_id = {acct.id}")), number


def listed(html):
    """(number, status) of every row of My Filings."""
    m = re.search(r'<table[^>]* id="filings">.*?<tbody>(.*?)</tbody>', html, re.S)
    if not m:
        return []
    out = []
    for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S):
        cells = [plain(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        out.append((cells[0], cells[4]))
    return out


def test_my_filings_filter_and_paging(apache, mariadb, new_account, smtp):
    court = ef_court(mariadb)
    acct = filer(mariadb, new_account)
    made = {}
    for st in ("draft", "submitted", "review", "accepted", "rejected", "rejected", "cancelled"):
        made.setdefault(st, []).append(envelope(mariadb, acct, court, st))
    f = Filer(apache, acct, smtp)
    r = f.get("/filings")
    assert r.status_code == 200 and "<title>My Filings</title>" in r.text
    got = listed(r.text)
    assert len(got) == 7
    assert sorted(s for _, s in got) == sorted(["Draft", "Submitted", "Under Review", "Accepted",
                                                "Rejected", "Rejected", "Cancelled"])
    labels = {"draft": "Draft", "submitted": "Submitted", "review": "Under Review",
              "accepted": "Accepted", "rejected": "Rejected", "cancelled": "Cancelled"}
    for st, label in labels.items():
        got = listed(f.get(f"/filings?status={st}").text)
        assert [s for _, s in got] == [label] * len(made[st]), st
        numbers = {n for _, n in made[st] if n}
        assert numbers <= {n for n, _ in got}
    r = f.get("/filings?status=bogus")
    assert "Choose a status from the list." in plain(r.text) and len(listed(r.text)) == 7
    # Paging: 25 a page.
    for _ in range(24):
        envelope(mariadb, acct, court, "accepted")
    r = f.get("/filings")
    assert len(listed(r.text)) == 25 and "Page 1 of 2" in plain(r.text)
    nxt = re.search(r'href="([^"]+)" rel="next"', r.text).group(1).replace("&amp;", "&")
    r = f.s.get(apache.url(nxt), timeout=30)
    assert len(listed(r.text)) == 6 and "Page 2 of 2" in plain(r.text)
    # 25 accepted: one page; a page past the end shows the last.
    r = f.get("/filings?status=accepted&page=2")
    assert len(listed(r.text)) == 25 and "Page 1 of 1" in plain(r.text)
    assert {s for _, s in listed(r.text)} == {"Accepted"}


def test_group_admin_sees_members_filings_not_drafts(apache, mariadb, new_account, smtp):
    court = ef_court(mariadb)
    gid = make_group(mariadb)
    adm = new_account(prefix="efgadm")
    add_member(mariadb, gid, adm, admin=True)
    member, _ = group_filer(mariadb, new_account, gid=gid)
    peer, _ = group_filer(mariadb, new_account, gid=gid)
    sub_id, sub_no = envelope(mariadb, member, court, "submitted", gid=gid)
    draft_id, _ = envelope(mariadb, member, court, "draft", gid=gid, caption="SECRET DRAFT")
    outsider = filer(mariadb, new_account)
    out_id, out_no = envelope(mariadb, outsider, court, "submitted")

    a = Filer(apache, adm, smtp)
    r = a.get("/filings")
    numbers = [n for n, _ in listed(r.text)]
    assert sub_no in numbers and out_no not in numbers
    assert "SECRET DRAFT" not in r.text
    assert "you also see the filings of your group's members" in plain(r.text)
    assert a.get(f"/envelopes/{sub_id}").status_code == 200
    assert a.get(f"/envelopes/{draft_id}").status_code == 404
    assert a.get(f"/envelopes/{out_id}").status_code == 404
    # Another member of the group is not its administrator.
    p = Filer(apache, peer, smtp)
    assert sub_no not in [n for n, _ in listed(p.get("/filings").text)]
    r = p.get(f"/envelopes/{sub_id}")
    assert r.status_code == 404 and "Envelope not found" in r.text


# ---- the envelope page -----------------------------------------------------------------

def test_envelope_page(apache, mariadb, new_account, smtp):
    court = ef_court(mariadb)
    _, number = seed_case(mariadb, court, caption=f"{unique_tag()} V PAGE")
    f = Filer(apache, filer(mariadb, new_account), smtp)
    env = existing_draft(f, mariadb, court, number, docs=(("MOT", True), ("EXH", False)),
                         payment="court_account")
    r = f.get(f"/envelopes/{env}")
    t = plain(r.text)
    assert r.status_code == 200 and "Draft" in t and "Resume the draft" in t
    assert "Delete the draft" in t and "Cancel the envelope" not in t
    assert f.post(f"/envelopes/{env}/submit").status_code == 303
    num = mariadb.value(f"SELECT number FROM mc_ef_envelope WHERE id = {env}")
    r = f.get(f"/envelopes/{env}")
    t = plain(r.text)
    assert f"<title>Envelope {num}</title>" in r.text
    assert court["name"] in t and number in t and "$5.00" in t and "Court account" in t
    docs = rows(mariadb, f"SELECT id FROM mc_ef_document WHERE envelope_id = {env}")
    for (doc,) in docs:
        assert f'href="{ECF}/documents/{doc}"' in r.text
    hist = re.search(r'<table[^>]* id="history">.*?<tbody>(.*?)</tbody>', r.text, re.S).group(1)
    cells = [[plain(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
             for tr in re.findall(r"<tr>(.*?)</tr>", hist, re.S)]
    assert [c[1] for c in cells] == ["Draft", "Submitted"]
    assert all(c[2] for c in cells)                     # who
    assert "Cancel the envelope" in t and "Resume the draft" not in t
    assert "Receipt" in t
    # Rejected: the reason and the copy action.
    mariadb.sql(f"UPDATE mc_ef_envelope SET status = 'rejected', reject_code = 'Wrong court', "
                f"reject_text = 'File it in the county' WHERE id = {env}")
    t = plain(f.get(f"/envelopes/{env}").text)
    assert "Wrong court" in t and "File it in the county" in t and "Copy into a new draft" in t
    assert "Cancel the envelope" not in t
    # Anonymous: to the logon page.
    anon = new_browser()
    r = anon.get(apache.url(f"{ECF}/envelopes/{env}"), allow_redirects=False, timeout=30)
    assert r.status_code == 303 and "/logon" in r.headers["Location"]
