"""eFiling test data, written straight into the database (sql/efiling/,
sql/groups/, sql/registration/), plus small PDFs built in memory.

    court = ef_court(mariadb)                         # a participating court with a set-up
    codes = court["codes"]                            # {"PET": id, "MOT": id, ...}
    acct = filer(mariadb, new_account)                # attorney, subscribed, agreement accepted
    acct, gid = group_filer(mariadb, new_account)     # active member of a new group
    pdf = make_pdf()                                  # a valid, text-searchable PDF (bytes)
"""
import secrets
import zlib

from harness.mariadb import sql_quote
from helpers_casenet import seed_court, unique_tag

ECF = "/ecf"
AGREEMENT = "2024-1"          # MC_REG_AGREEMENT_VERSION (plugins/registration/registration.h)

# Filing codes every test court gets: code -> (name, fee in cents, initiating).
CODES = {
    "PET": ("Petition", 9500, True),
    "MOT": ("Motion", 0, False),
    "ANS": ("Answer", 0, False),
    "EXH": ("Exhibit", 500, False),
}


def _q(v):
    return "NULL" if v is None else sql_quote(str(v))


def ef_court(mariadb, max_bytes=5 * 1024 * 1024, text_only=False, case_types=("CC", "AC"),
             efiling=True, active_content="refuse"):
    """A Case.net court that participates in eFiling, with its set-up
    (active_content: "refuse" or "flag" PDFs with active content)."""
    court = seed_court(mariadb, efiling=efiling)
    code = court["code"]
    mariadb.sql(
        "INSERT INTO mc_ef_court (court_code, max_doc_bytes, text_pdf_only, active_content, "
        f"updated_at) VALUES ({_q(code)}, {int(max_bytes)}, {1 if text_only else 0}, "
        f"{_q(active_content)}, UTC_TIMESTAMP())")
    for t in case_types:
        mariadb.sql(f"INSERT INTO mc_ef_case_type (court_code, case_type) VALUES ({_q(code)}, {_q(t)})")
    court["codes"] = {}
    for c, (name, fee, init) in CODES.items():
        mariadb.sql(
            "INSERT INTO mc_ef_filing_code (court_code, code, name, fee_cents, initiating) VALUES "
            f"({_q(code)}, {_q(c)}, {_q(name)}, {fee}, {1 if init else 0})")
        court["codes"][c] = int(mariadb.value(
            f"SELECT id FROM mc_ef_filing_code WHERE court_code = {_q(code)} AND code = {_q(c)}"))
    return court


def subscribe(mariadb, account, agreement=True):
    """My Applications: Electronic Case Filing, and the User Agreement."""
    mariadb.sql("INSERT IGNORE INTO mc_reg_subscription (account_id, application, subscribed_at) "
                f"VALUES ({account.id}, 'efiling', UTC_TIMESTAMP())")
    if agreement:
        mariadb.sql("INSERT IGNORE INTO mc_reg_agreement (account_id, version, accepted_at) "
                    f"VALUES ({account.id}, {_q(AGREEMENT)}, UTC_TIMESTAMP())")


def filer(mariadb, new_account, **kw):
    """An attorney (verified MOBAR: role attorney) who may file."""
    acct = new_account(roles=["attorney"], prefix=kw.pop("prefix", "efatt"), **kw)
    subscribe(mariadb, acct)
    return acct


def new_group(mariadb, name=None):
    """A group (a firm, no PIN): (its id, name, association key)."""
    name = name or f"Firm {unique_tag(8)}"
    key = secrets.token_urlsafe(16)[:22]
    mariadb.sql("INSERT INTO mc_group (name, kind, pin_hash, pin_changed_at, assoc_key, "
                f"created_at) VALUES ({_q(name)}, 'firm', '!', UTC_TIMESTAMP(), {_q(key)}, "
                "UTC_TIMESTAMP())")
    return int(mariadb.value(f"SELECT id FROM mc_group WHERE name = {_q(name)}")), name, key


def make_group(mariadb, name=None):
    """A group: its id."""
    return new_group(mariadb, name)[0]


def add_member(mariadb, gid, account, admin=False, status="active", date="UTC_TIMESTAMP()",
               first=None, last=None):
    """account a member (or the administrator) of group gid, with the role;
    date: the status date (SQL); first, last: new names of the account."""
    mariadb.sql(
        "INSERT INTO mc_group_member (account_id, group_id, is_admin, status, status_date, "
        f"joined_at) VALUES ({account.id}, {gid}, {1 if admin else 0}, {_q(status)}, "
        f"{date}, UTC_TIMESTAMP());"
        "INSERT IGNORE INTO mc_account_role (account_id, role, scope, granted_at) VALUES "
        f"({account.id}, {_q('group_admin' if admin else 'group_user')}, {_q(gid)}, "
        "UTC_TIMESTAMP())")
    if first or last:
        mariadb.sql(f"UPDATE mc_account SET first_name = {_q(first or 'F')}, "
                    f"last_name = {_q(last or 'L')} WHERE id = {account.id}")


def notify_address(mariadb, gid, email, verified=True):
    """A Notification E-mail address of the group (verified unless told)."""
    mariadb.sql("INSERT INTO mc_group_notify (group_id, email, verified_at, created_at) VALUES "
                f"({gid}, {_q(email)}, {'UTC_TIMESTAMP()' if verified else 'NULL'}, "
                "UTC_TIMESTAMP())")


def group_filer(mariadb, new_account, gid=None, status="active", **kw):
    """A group user who may file (an active member of an active group);
    returns (account, group id)."""
    gid = gid or make_group(mariadb)
    acct = new_account(prefix=kw.pop("prefix", "efgrp"), **kw)
    add_member(mariadb, gid, acct, status=status)
    subscribe(mariadb, acct)
    return acct, gid


def clerk_of(new_account, court, **kw):
    return new_account(roles=["clerk"], scope=court["code"], prefix=kw.pop("prefix", "efclk"), **kw)


def make_pdf(text="Petition for damages", font=True, encrypt=False, pad=0, catalog=b"",
             objstm=None):
    """A small PDF 1.7 file: one page, with a font and a text line unless
    font=False (then an image-only page), an /Encrypt entry in the trailer
    when encrypt=True, and pad bytes of a comment to reach a size. catalog:
    more entries for the catalog (e.g. an /OpenAction); objstm: the body of
    one more object, kept compressed (FlateDecode) in an object stream."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    ]
    content = (f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if font
               else b"q 100 0 0 100 72 600 cm 0.5 g 0 0 1 1 re f Q")
    res = b"/Resources << /Font << /F1 5 0 R >> >>" if font else b"/Resources << >>"
    objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] " + res +
                b" /Contents 4 0 R >>")
    objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    if font:
        objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    if objstm is not None:
        head = b"%d 0 " % (len(objs) + 2)
        data = zlib.compress(head + objstm)
        objs.append(b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\n"
                    b"stream\n" % (len(head), len(data)) + data + b"\nendstream")
    return pdf_file(objs, pad=pad, trailer_extra=(
        b" /Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 /P -4 >>" if encrypt else b""))


def pdf_file(objs, pad=0, trailer_extra=b"", xref_shift=0):
    """A PDF 1.7 file of the objects objs (numbered from 1, the first the
    catalog): header, pad bytes of a comment, the objects, the
    cross-reference table (each offset xref_shift bytes wrong, to make a
    broken one) and the trailer with trailer_extra."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    if pad:
        out += b"%" + b"x" * max(0, pad - 2) + b"\n"
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % (off + xref_shift)
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objs) + 1) + trailer_extra + b" >>"
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)
