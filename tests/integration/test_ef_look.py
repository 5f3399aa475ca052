"""eFiling's pages for issue 14: statuses as labelled badges (My Filings,
the envelope page and its history, the clerk's queue and envelope page);
the filing wizard's steps as a USWDS step indicator (completed, current,
not completed) with breadcrumbs; My Filings' filters kept in the URL (status,
case number, days of creation) with their mistakes said and linked to
their fields; the SHA-256 shown whole, as text that wraps; autocomplete and
input modes on the wizard's fields.

Envelopes are written straight into the database (test_ef_review's
make_envelope); everything else goes through the pages."""
import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

from helpers_casenet import seed_case, unique_tag
from helpers_efiling import ECF, ef_court, filer
from test_ef_documents import upload
from test_ef_filing import Filer
from test_ef_review import clerk_session, make_envelope

BADGE = re.compile(r'<span class="mc-status mc-status--([a-z]+)">([^<]*)</span>')


def text(fragment):
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def table_rows(html, table_id):
    """The cells (HTML) of each body row of the table with this id."""
    m = re.search(r'<table[^>]* id="%s"[^>]*>.*?<tbody>(.*?)</tbody>' % table_id, html, re.S)
    assert m, f"no table {table_id}"
    return [re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
            for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S)]


def status_cells(html, table_id=None, rows=None):
    """The Status cells (data-label="Status") of a table, each as its
    badges [(key, word)]."""
    if rows is None:
        m = re.search(r'<table[^>]*%s>.*?<tbody>(.*?)</tbody>'
                      % (f' id="{table_id}"[^>]*' if table_id else ""), html, re.S)
        assert m, table_id
        rows = m.group(1)
    return [BADGE.findall(c) for c in re.findall(r'<td data-label="Status"[^>]*>(.*?)</td>',
                                                 rows, re.S)]


def add_history(mariadb, env_id, status, actor):
    mariadb.sql("INSERT INTO mc_ef_history (envelope_id, at, status, actor_id, note) VALUES "
                f"({env_id}, UTC_TIMESTAMP(), '{status}', {actor.id}, '')")


# ---- 1. statuses as badges -----------------------------------------------------------

def test_statuses_are_badges_with_the_same_words(apache, mariadb, new_account, smtp):
    court = ef_court(mariadb)
    case_id, _ = seed_case(mariadb, court, caption=f"{unique_tag()} V BADGE")
    acct = filer(mariadb, new_account)
    env_id, number = make_envelope(mariadb, court, acct, case_id=case_id, status="review")
    add_history(mariadb, env_id, "review", acct)
    acc_id, acc_no = make_envelope(mariadb, court, acct, case_id=case_id, status="accepted")
    f = Filer(apache, acct, smtp)

    # My Filings: the Status column.
    r = f.get("/filings")
    assert r.status_code == 200
    got = {text(cells[0]): BADGE.findall(cells[4]) for cells in table_rows(r.text, "filings")}
    assert got[number] == [("review", "Under Review")], got
    assert got[acc_no] == [("accepted", "Accepted")], got
    assert '<td data-label="Status" class="status"><span class="mc-status' in r.text

    # The envelope page: the header's status and the history's.
    r = f.get(f"/envelopes/{env_id}")
    assert r.status_code == 200
    assert re.search(r'<dd id="status"><span class="mc-status mc-status--review">Under Review'
                     r'</span></dd>', r.text), r.text
    assert status_cells(r.text, "history") == [[("submitted", "Submitted")],
                                               [("review", "Under Review")]]

    # The clerk's queue and envelope page.
    s, _ = clerk_session(apache, new_account, smtp, court)
    r = s.get(apache.url(f"{ECF}/clerk"), timeout=30)
    assert r.status_code == 200
    row = re.search(r"<tr>(?:(?!</tr>).)*%s(?:(?!</tr>).)*</tr>" % number, r.text, re.S).group(0)
    assert status_cells(r.text, rows=row) == [[("review", "Under Review")]]
    r = s.get(apache.url(f"{ECF}/clerk/envelopes/{acc_id}"), timeout=30)
    assert r.status_code == 200
    assert re.search(r'<dt>Status</dt><dd><span class="mc-status mc-status--accepted">Accepted'
                     r'</span></dd>', r.text), r.text
    assert status_cells(r.text.split('id="hist-h"')[1]) == [[("submitted", "Submitted")]]


# ---- 2. the wizard's step indicator and breadcrumbs -------------------------------------

SEGMENT = re.compile(r'<li class="usa-step-indicator__segment( usa-step-indicator__segment--'
                     r'(?:complete|current))?"( aria-current="true")?>'
                     r'<span class="usa-step-indicator__segment-label">(.*?)</span></li>', re.S)


def steps(html):
    """The step indicator's segments: (state, label, linked, words for a
    screen reader), state "complete", "current" or "" (not completed)."""
    m = re.search(r'<nav aria-label="Filing steps" class="usa-step-indicator[^"]*">(.*?)</nav>',
                  html, re.S)
    assert m, "no step indicator"
    out = []
    for cls, current, label in SEGMENT.findall(m.group(1)):
        state = cls.rsplit("--", 1)[-1] if cls else ""
        assert (state == "current") == bool(current), (cls, current)
        sr = re.findall(r'<span class="usa-sr-only">([^<]*)</span>', label)
        visible = text(re.sub(r'<span class="usa-sr-only">[^<]*</span>', "", label))
        out.append((state, visible, "<a " in label, sr))
    assert out, m.group(1)
    return out, text(re.search(r'<p class="usa-step-indicator__heading"[^>]*>(.*?)</p>',
                               m.group(1), re.S).group(1))


def crumbs(html):
    """The breadcrumbs: [(text, href or None)]; the last one marked current."""
    m = re.search(r'<nav class="usa-breadcrumb" aria-label="Breadcrumbs">(.*?)</nav>', html, re.S)
    assert m, "no breadcrumbs"
    items = re.findall(r'<li class="usa-breadcrumb__list-item[^"]*"([^>]*)>(.*?)</li>', m.group(1),
                       re.S)
    assert items and 'aria-current="page"' in items[-1][0], items
    out = []
    for _, body in items:
        href = re.search(r'href="([^"]*)"', body)
        out.append((text(body), href.group(1) if href else None))
    return out


def draft(mariadb, court, acct, step, **kw):
    env_id, _ = make_envelope(mariadb, court, acct, status="draft", number=False, **kw)
    mariadb.sql(f"UPDATE mc_ef_envelope SET step = '{step}' WHERE id = {env_id}")
    return env_id


def test_wizard_steps_and_breadcrumbs(apache, mariadb, new_account, smtp):
    court = ef_court(mariadb)
    acct = filer(mariadb, new_account)
    f = Filer(apache, acct, smtp)
    NC, D, FP, RV = "Court and case", "Documents", "Fees and payment", "Review"
    menu = ("eFiling Menu", f"{ECF}/")

    # A new case at its first step: nothing completed, nothing to jump to.
    env = draft(mariadb, court, acct, "case", kind="new", case_type="CC", caption="A V B", docs=())
    r = f.get(f"/envelopes/{env}/case")
    assert r.status_code == 200
    got, heading = steps(r.text)
    assert got == [("current", NC, False, []),
                   ("", "Parties", False, ["not completed"]),
                   ("", D, False, ["not completed"]),
                   ("", FP, False, ["not completed"]),
                   ("", RV, False, ["not completed"])], got
    assert heading == "Step 1 of 5 Court and case", heading
    assert crumbs(r.text) == [menu, ("New case: court and case", None)]

    # Back at the parties of a draft that reached the payment: the steps
    # before it done, the ones it reached linked.
    mariadb.sql(f"UPDATE mc_ef_envelope SET step = 'payment' WHERE id = {env}")
    r = f.get(f"/envelopes/{env}/parties")
    assert r.status_code == 200
    got, heading = steps(r.text)
    assert got == [("complete", NC, True, ["completed"]),
                   ("current", "Parties", False, []),
                   ("complete", D, True, ["completed"]),
                   ("", FP, True, ["not completed"]),
                   ("", RV, False, ["not completed"])], got
    assert heading == "Step 2 of 5 Parties"
    assert crumbs(r.text) == [menu, ("New case: parties", None)]
    links = re.findall(r'<a href="([^"]+)">(?:Court and case|Documents|Fees and payment)</a>',
                       r.text)
    assert links == [f"{ECF}/envelopes/{env}/{s}" for s in ("case", "documents", "payment")]

    # An existing case has no Parties step: four steps, the review the last.
    case_id, _ = seed_case(mariadb, court, caption=f"{unique_tag()} V STEPS")
    env = draft(mariadb, court, acct, "review", case_id=case_id)
    for page, title, n in (("documents", "File into an existing case: documents", 2),
                           ("payment", "Fees and payment", 3), ("review", "Review and submit", 4)):
        r = f.get(f"/envelopes/{env}/{page}")
        assert r.status_code == 200, page
        got, heading = steps(r.text)
        assert [g[1] for g in got] == [NC, D, FP, RV]
        # The draft reached the review: every step before it is done.
        assert [g[0] for g in got] == [
            "current" if i == n - 1 else "complete" if i < 3 else "" for i in range(4)]
        assert heading == f"Step {n} of 4 {[NC, D, FP, RV][n - 1]}"
        assert crumbs(r.text) == [menu, (title, None)]
    # A draft whose recorded step lags (written before the step was): the
    # steps before the one shown are complete all the same.
    lag = draft(mariadb, court, acct, "case", case_id=case_id)
    got, _ = steps(f.get(f"/envelopes/{lag}/documents").text)
    assert [g[0] for g in got] == ["complete", "current", "", ""]
    # The upload's refusal page is the documents step too.
    r = upload(f.s, apache, env, b"Dear Clerk, not a PDF\n", filename="letter.pdf")
    assert r.status_code == 400
    got, heading = steps(r.text)
    assert [g[0] for g in got] == ["complete", "current", "complete", ""]
    assert heading == "Step 2 of 4 Documents"

    # The envelope page: eFiling Menu > My Filings > the envelope.
    sub_id, sub_no = make_envelope(mariadb, court, acct, case_id=case_id)
    r = f.get(f"/envelopes/{sub_id}")
    assert crumbs(r.text) == [menu, ("My Filings", f"{ECF}/filings"), (f"Envelope {sub_no}", None)]
    r = f.get("/filings")
    assert crumbs(r.text) == [menu, ("My Filings", None)]


# ---- 3. My Filings' filters ------------------------------------------------------------------

def listed(html):
    if 'id="filings"' not in html:
        return []
    return [text(cells[0]) for cells in table_rows(html, "filings")]


def field_value(html, ident):
    m = re.search(r'<input[^>]* id="%s"[^>]*>' % ident, html)
    assert m, ident
    v = re.search(r' value="([^"]*)"', m.group(0))
    return htmllib.unescape(v.group(1)) if v else None


def next_link(html):
    m = re.search(r'href="([^"]+)" rel="next"', html)
    return htmllib.unescape(m.group(1)) if m else None


def test_my_filings_filters_kept_in_the_url(apache, mariadb, new_account, smtp):
    court = ef_court(mariadb)
    acct = filer(mariadb, new_account)
    one_id, one = seed_case(mariadb, court, caption=f"{unique_tag()} V ONE")
    two_id, two = seed_case(mariadb, court, caption=f"{unique_tag()} V TWO")
    made = {}
    for day, case_id, status in (("2025-03-01", one_id, "accepted"), ("2025-03-15", one_id,
                                 "submitted"), ("2025-04-02", one_id, "accepted"),
                                 ("2025-03-10", two_id, "accepted")):
        env_id, number = make_envelope(mariadb, court, acct, case_id=case_id, status=status,
                                       docs=())
        mariadb.sql(f"UPDATE mc_ef_envelope SET created_at = '{day} 12:00:00' WHERE id = {env_id}")
        made[(day, case_id)] = number
    f = Filer(apache, acct, smtp)

    # The case number (as typed: lower case, spaces around), the days (both ends
    # counted), the status: each narrows; the form shows what was asked.
    r = f.get("/filings", params={"case": f"  {one.lower()} "})
    assert r.status_code == 200
    assert sorted(listed(r.text)) == sorted(v for (d, c), v in made.items() if c == one_id)
    assert field_value(r.text, "case") == one.lower()
    r = f.get("/filings", params={"case": one, "from": "2025-03-01", "to": "2025-03-15"})
    assert sorted(listed(r.text)) == sorted([made[("2025-03-01", one_id)],
                                             made[("2025-03-15", one_id)]])
    assert field_value(r.text, "from") == "2025-03-01"
    assert field_value(r.text, "to") == "2025-03-15"
    assert re.search(r'<input[^>]* type="date" id="from"', r.text)
    assert 'placeholder' not in re.search(r'<input[^>]* id="from"[^>]*>', r.text).group(0)
    r = f.get("/filings", params={"case": one, "from": "2025-03-02", "status": "accepted"})
    assert listed(r.text) == [made[("2025-04-02", one_id)]]
    assert re.search(r'<option value="accepted" selected>Accepted</option>', r.text)
    assert 'id="clear-filters"' in r.text
    r = f.get("/filings", params={"case": "99ZZ-CC99999"})
    assert listed(r.text) == [] and "No envelopes match." in text(r.text)
    assert 'id="clear-filters"' not in f.get("/filings").text

    # Page links keep the filters.
    for i in range(26):
        env_id, _ = make_envelope(mariadb, court, acct, case_id=two_id, status="accepted",
                                  docs=())
        mariadb.sql(f"UPDATE mc_ef_envelope SET created_at = '2025-05-0{1 + i % 9} 08:00:00' "
                    f"WHERE id = {env_id}")
    r = f.get("/filings", params={"case": two, "status": "accepted", "from": "2025-05-01",
                                  "to": "2025-05-09"})
    assert len(listed(r.text)) == 25 and "Page 1 of 2" in text(r.text)
    nxt = next_link(r.text)
    q = parse_qs(urlsplit(nxt).query)
    assert q == {"status": ["accepted"], "case": [two], "from": ["2025-05-01"],
                 "to": ["2025-05-09"], "page": ["2"]}, q
    r = f.s.get(apache.url(nxt), timeout=30)
    assert len(listed(r.text)) == 1 and "Page 2 of 2" in text(r.text)
    assert field_value(r.text, "case") == two

    # Mistakes: said at the top, each linked to its field (marked invalid),
    # what was typed kept; the other filters still apply.
    r = f.get("/filings", params={"case": one, "from": "2025-02-30", "to": "next week"})
    assert r.status_code == 400
    errs = re.search(r'<div class="error" role="alert" id="filter-errors">(.*?)</div>', r.text,
                     re.S).group(1)
    assert re.findall(r'<a href="(#[a-z]+)">', errs) == ["#from", "#to"]
    assert "Created from date as a day of the calendar" in text(errs)
    assert "Created to date as a day of the calendar" in text(errs)
    # (a date field cannot hold what is no day: the sentence quotes it)
    assert 'not "2025-02-30"' in text(errs) and 'not "next week"' in text(errs)
    assert field_value(r.text, "from") is None and field_value(r.text, "to") is None
    assert field_value(r.text, "case") == one
    assert re.search(r'<input[^>]* id="from"[^>]* aria-invalid="true"', r.text)
    assert not re.search(r'<input[^>]* id="case"[^>]* aria-invalid', r.text)
    assert sorted(listed(r.text)) == sorted(v for (d, c), v in made.items() if c == one_id)
    r = f.get("/filings", params={"from": "2025-04-01", "to": "2025-03-01"})
    assert r.status_code == 400
    assert "The Created to date is before the Created from date." in text(r.text)
    assert len(listed(r.text)) == 25                      # no day filter applied
    r = f.get("/filings", params={"case": "X" * 21, "status": "bogus"})
    assert r.status_code == 400
    t = text(r.text)
    assert "Choose a status from the list." in t and "at most 20 characters" in t
    assert field_value(r.text, "case") == "X" * 21


# ---- 4. the SHA-256 wraps -------------------------------------------------------------------

def test_sha256_shown_whole_as_wrapping_text(apache, mariadb, new_account, smtp):
    court = ef_court(mariadb)
    case_id, _ = seed_case(mariadb, court, caption=f"{unique_tag()} V HASH")
    acct = filer(mariadb, new_account)
    env_id, _ = make_envelope(mariadb, court, acct, case_id=case_id)
    shas = [r[0] for r in mariadb.sql(f"SELECT sha256 FROM mc_ef_document WHERE envelope_id = "
                                      f"{env_id} ORDER BY is_lead DESC, id")]
    r = Filer(apache, acct, smtp).get(f"/envelopes/{env_id}")
    cells = [c[-1] for c in table_rows(r.text, "documents")]
    assert cells == [f'<code class="sha256" translate="no">{s}</code>' for s in shas], cells
    assert "title=" not in r.text.split('id="documents"')[1].split("</table>")[0]


# ---- 5. autocomplete and input modes ---------------------------------------------------------

def attrs_of(html, ident):
    m = re.search(r'<(?:input|textarea)[^>]* id="%s"[^>]*>' % ident, html)
    assert m, ident
    return dict(re.findall(r' ([a-z-]+)="([^"]*)"', m.group(0)))


def test_wizard_fields_autocomplete_and_input_modes(apache, mariadb, new_account, smtp):
    court = ef_court(mariadb)
    acct = filer(mariadb, new_account)
    f = Filer(apache, acct, smtp)
    env = draft(mariadb, court, acct, "payment", kind="new", case_type="CC", caption="A V B",
                docs=(("PET", True),),
                parties=(("plaintiff", "person", "SMITH", "JOHN"),
                         ("defendant", "person", "JONES", "JANE")))
    r = f.get(f"/envelopes/{env}/parties")
    for ident in ("last_name", "first_name", "middle_name", "business_name"):
        assert attrs_of(r.text, ident).get("autocomplete") == "off", ident
    r = f.get(f"/envelopes/{env}/case")
    assert attrs_of(r.text, "caption").get("autocomplete") == "off"
    r = f.get(f"/envelopes/{env}/payment")
    assert r.status_code == 200, (r.status_code, r.headers.get("Location"))
    assert attrs_of(r.text, "waiver_reason").get("autocomplete") == "off"
    r = f.get("/filings")
    a = attrs_of(r.text, "case")
    assert a.get("autocomplete") == "off" and a.get("spellcheck") == "false"
