"""The case page's lists come from MariaDB as text (issue 13): no column of
the statements in casepage.c's SECTIONS is a DATE or DATETIME, which
libmariadb would format with sprintf row by row (13% of the page's
instructions in Apache at 200 docket entries, bench/profile.sh case);
CAST(... AS CHAR) gives the same YYYY-MM-DD. The statements are read from the C
file and run (LIMIT 0) against the test database; the column types are
those of the result's metadata. The page's dates, as shown, are checked
in test_ct_search.py (test_case_page)."""
import re
from pathlib import Path

import pymysql
from pymysql.constants import FIELD_TYPE

REPO = Path(__file__).resolve().parents[2]
DATE_TYPES = {FIELD_TYPE.DATE, FIELD_TYPE.NEWDATE, FIELD_TYPE.DATETIME, FIELD_TYPE.TIMESTAMP,
              FIELD_TYPE.TIME}


def sections():
    """name -> SQL of each section of casepage.c whose statement is string
    literals (the hearings' macro, CT_HEARINGS_SQL, is formatted text)."""
    text = (REPO / "plugins/casetrack/casepage.c").read_text()
    block = text[text.index("SECTIONS[] = {"):]
    block = block[:block.index("\n};")]
    out = {}
    for m in re.finditer(r'\{"(\w+)",\s*((?:"(?:[^"\\]|\\.)*"\s*)+),\s*\{"', block):
        out[m.group(1)] = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
    return out


def test_case_page_lists_have_no_date_columns(apache, mariadb):  # apache: the schema
    found = sections()
    assert {"parties", "attorneys", "docket", "judgments"} <= set(found), found
    conn = pymysql.connect(unix_socket=str(mariadb.socket), user=mariadb.admin_user,
                           database=mariadb.database)
    try:
        with conn.cursor() as cur:
            for name, sql in found.items():
                cur.execute(sql.replace("?", "0") + " LIMIT 0")
                dated = [d[0] for d in cur.description if d[1] in DATE_TYPES]
                assert not dated, f"{name}: {dated} come as dates, not text"
    finally:
        conn.close()
