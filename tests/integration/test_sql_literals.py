"""A static check (no servers): every SQL string handed to the DB layer
(mc_db_query, mc_db_exec, mc_db_exec_script, and any macro that passes its
argument on to them, e.g. MC_DB_EXEC_RETRY) is a string literal or built only
from literals: adjacent literals and #defines of literals (e.g.
`"SELECT " MC_OUTBOX_COLUMNS " WHERE ..."`). A variable, apr_psprintf,
apr_pstrcat... is refused unless it is on ALLOWED below with its reason.

Entries are keyed by the enclosing function and the argument's text (not by
line, so a file can be split or moved without touching this list)."""
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ROOTS = ("mod_mocourts", "plugins")
DB_CALLS = {"mc_db_query": 3, "mc_db_exec": 3, "mc_db_exec_script": 1}   # name -> SQL arg index

# (function, SQL argument as written, spaces collapsed) -> reason it is safe.
ALLOWED = {
    ("write_set", "sql_upsert[k]"):
        "mocourts-admin import-cases: k runs over K_N and sql_upsert is a "
        "`static const char *const [K_N]` table whose entries are literals and JT()/NUMCOL/"
        "REFCOL literal macros (one INSERT per child kind); the rows go in as one bound JSON "
        "parameter",
    ("ct_section_rows", "s->sql"):
        "plugins/casetrack/ct_common.c: s runs over the SECTIONS of casepage.c (the public case "
        "page; the API's case reads them as ct_case_sections) or clerk.c (the clerk's case page), `static const` tables whose sql members are "
        "string literals (one SELECT per list of the page); the case's id is bound with ?",
    ("mc_apply_locked", "sql"):
        "migrations: mc_db_exec_script runs a migration file shipped with the module "
        "(SQL text read from the install's migration folder, listed by mc_migrate), never "
        "request data; that is the one documented use of the unprepared script call",
    ('find_account',
     'apr_pstrcat(p, cols, "username = ?", NULL)'):
        "mod_mocourts/mod_mocourts_logon.c: apr_pstrcat of string literals, #defines/const arrays of literals and "
        "`cond ? literal : literal` only (checked by _is_literal); values are bound with ?",
    ('find_account',
     'apr_pstrcat(p, cols, "verified_email = ?", NULL)'):
        "mod_mocourts/mod_mocourts_logon.c: apr_pstrcat of string literals, #defines/const arrays of literals and "
        "`cond ? literal : literal` only (checked by _is_literal); values are bound with ?",
    ('courts_list',
     'apr_pstrcat(p, "SELECT COUNT(*)", LIST_WHERE, NULL)'):
        "plugins/efiling/setup.c: apr_pstrcat of string literals, #defines/const arrays of literals and "
        "`cond ? literal : literal` only (checked by _is_literal); values are bound with ?",
    ('courts_list',
     'apr_pstrcat(p, "SELECT co.code, co.name, co.efiling, s.court_code IS NOT NULL, " "COALESCE(s.max_doc_bytes, 0), COALESCE(s.text_pdf_only, 0), " "(SELECT COUNT(*) FROM mc_ef_case_type t WHERE t.court_code = " "co.code), (SELECT COUNT(*) FROM mc_ef_filing_code f WHERE " "f.court_code = co.code AND f.active = 1)", LIST_WHERE, " ORDER BY co.name, co.code LIMIT ? OFFSET ?", NULL)'):
        "plugins/efiling/setup.c: apr_pstrcat of string literals, #defines/const arrays of literals and "
        "`cond ? literal : literal` only (checked by _is_literal); values are bound with ?",
    ('admin_members',
     'apr_pstrcat(p, "SELECT COUNT(*)", SQL_WHERE, NULL)'):
        "plugins/groups/gadmin.c: apr_pstrcat of string literals, #defines/const arrays of literals and "
        "`cond ? literal : literal` only (checked by _is_literal); values are bound with ?",
    ('load_member',
     'apr_pstrcat(mr->r->pool, "SELECT a.username, a.email, m.status FROM mc_group_member m " "JOIN mc_account a ON a.id = m.account_id WHERE " "m.account_id = ? AND m.group_id = ? AND m.is_admin = 0", lock ? " FOR UPDATE" : "", NULL)'):
        "plugins/groups/gadmin.c: apr_pstrcat of string literals, #defines/const arrays of literals and "
        "`cond ? literal : literal` only (checked by _is_literal); values are bound with ?",
    ('mc_grp_security_list',
     'apr_pstrcat(p, "SELECT COUNT(*)", SQL_WHERE, NULL)'):
        "plugins/groups/provision.c: apr_pstrcat of string literals, #defines/const arrays of literals and "
        "`cond ? literal : literal` only (checked by _is_literal); values are bound with ?",
    ('mc_grp_security_list',
     'apr_pstrcat(p, "SELECT id, name, kind, status", SQL_WHERE, " ORDER BY name LIMIT ? OFFSET ?", NULL)'):
        "plugins/groups/provision.c: apr_pstrcat of string literals, #defines/const arrays of literals and "
        "`cond ? literal : literal` only (checked by _is_literal); values are bound with ?",
    ('mc_reg_security_search',
     'apr_pstrcat(p, "SELECT COUNT(*)", SQL_WHERE, NULL)'):
        "plugins/registration/security.c: apr_pstrcat of string literals, #defines/const arrays of literals and "
        "`cond ? literal : literal` only (checked by _is_literal); values are bound with ?",
    ('mc_reg_security_search',
     'apr_pstrcat(p, "SELECT id, username, first_name, last_name, email, status, " "email_verified", SQL_WHERE, " ORDER BY username LIMIT ? OFFSET ?", NULL)'):
        "plugins/registration/security.c: apr_pstrcat of string literals, #defines/const arrays of literals and "
        "`cond ? literal : literal` only (checked by _is_literal); values are bound with ?",
    ('name_count',
     'srch_count_sql(s->p, apr_pstrcat(s->p, NAME_PARTY_FROM, sounds ? NAME_SOUNDS : NAME_LIKE, NAME_PARTY_REST_NO_YEAR, NULL))'):
        "plugins/casetrack/search.c: srch_count_sql/srch_page_sql/srch_name_page_sql (search_common.c) compose literal fragments only: the FROM/WHERE #defines and `static const char *_WHERE[]`, `sounds ? NAME_SOUNDS : NAME_LIKE`, the constant COUNT_CAP (%d), and the ORDER BY taken by srch_pick_sort (or ct_search_api_begin) from a `static const mc_sort_col[]` table of literals (the query's sort key only selects an entry); every value is bound with ?",
    ('name_count',
     'srch_count_sql(s->p, apr_pstrcat(s->p, NAME_PARTY_FROM, sounds ? NAME_SOUNDS : NAME_LIKE, NAME_PARTY_REST, NULL))'):
        "plugins/casetrack/search.c: srch_count_sql/srch_page_sql/srch_name_page_sql (search_common.c) compose literal fragments only: the FROM/WHERE #defines and `static const char *_WHERE[]`, `sounds ? NAME_SOUNDS : NAME_LIKE`, the constant COUNT_CAP (%d), and the ORDER BY taken by srch_pick_sort (or ct_search_api_begin) from a `static const mc_sort_col[]` table of literals (the query's sort key only selects an entry); every value is bound with ?",
    ('name_count',
     'srch_count_sql(s->p, fw)'):
        "plugins/casetrack/search.c: srch_count_sql/srch_page_sql/srch_name_page_sql (search_common.c) compose literal fragments only: the FROM/WHERE #defines and `static const char *_WHERE[]`, `sounds ? NAME_SOUNDS : NAME_LIKE`, the constant COUNT_CAP (%d), and the ORDER BY taken by srch_pick_sort (or ct_search_api_begin) from a `static const mc_sort_col[]` table of literals (the query's sort key only selects an entry); every value is bound with ?",
    ('ct_search_name_rows',
     'srch_name_page_sql(s, "SELECT p.last_name, p.first_name, p.middle_name, p.kind, " "p.role, COALESCE(p.birth_year, \'\'), c.number, c.caption, " "co.name, c.filed_on", "p.id", fw, " JOIN mc_party p ON p.id = f.cap_id JOIN mc_case c ON c.id = " "p.case_id JOIN mc_court co ON co.code = c.court_code", apr_pstrcat(s->p, " FROM mc_party p JOIN mc_case c ON c.id = " "p.case_id JOIN mc_court co ON co.code = " "c.court_code WHERE ", q->sounds ? NAME_SOUNDS : NAME_LIKE, NAME_REST, NULL))'):
        "plugins/casetrack/search.c: srch_count_sql/srch_page_sql/srch_name_page_sql (search_common.c) compose literal fragments only: the FROM/WHERE #defines and `static const char *_WHERE[]`, `sounds ? NAME_SOUNDS : NAME_LIKE`, the constant COUNT_CAP (%d), and the ORDER BY taken by srch_pick_sort (or ct_search_api_begin) from a `static const mc_sort_col[]` table of literals (the query's sort key only selects an entry); every value is bound with ?",
    ('ct_search_number_rows',
     'srch_page_sql(s->p, CASE_SELECT, apr_pstrcat(s->p, CASE_JOIN, NUMBER_WHERE, NULL), s->order)'):
        "plugins/casetrack/search.c: srch_count_sql/srch_page_sql/srch_name_page_sql (search_common.c) compose literal fragments only: the FROM/WHERE #defines and `static const char *_WHERE[]`, `sounds ? NAME_SOUNDS : NAME_LIKE`, the constant COUNT_CAP (%d), and the ORDER BY taken by srch_pick_sort (or ct_search_api_begin) from a `static const mc_sort_col[]` table of literals (the query's sort key only selects an entry); every value is bound with ?",
    ('search_number',
     'srch_count_sql(s.p, apr_pstrcat(s.p, CASE_JOIN, NUMBER_WHERE, NULL))'):
        "plugins/casetrack/search.c: srch_count_sql/srch_page_sql/srch_name_page_sql (search_common.c) compose literal fragments only: the FROM/WHERE #defines and `static const char *_WHERE[]`, `sounds ? NAME_SOUNDS : NAME_LIKE`, the constant COUNT_CAP (%d), and the ORDER BY taken by srch_pick_sort (or ct_search_api_begin) from a `static const mc_sort_col[]` table of literals (the query's sort key only selects an entry); every value is bound with ?",
    ('ct_search_date_rows',
     'srch_page_sql(s->p, CASE_SELECT, apr_pstrcat(s->p, CASE_JOIN, DATE_WHERE, NULL), s->order)'):
        "plugins/casetrack/search.c: srch_count_sql/srch_page_sql/srch_name_page_sql (search_common.c) compose literal fragments only: the FROM/WHERE #defines and `static const char *_WHERE[]`, `sounds ? NAME_SOUNDS : NAME_LIKE`, the constant COUNT_CAP (%d), and the ORDER BY taken by srch_pick_sort (or ct_search_api_begin) from a `static const mc_sort_col[]` table of literals (the query's sort key only selects an entry); every value is bound with ?",
    ('search_date',
     'srch_count_sql(s.p, fw)'):
        "plugins/casetrack/search.c: srch_count_sql/srch_page_sql/srch_name_page_sql (search_common.c) compose literal fragments only: the FROM/WHERE #defines and `static const char *_WHERE[]`, `sounds ? NAME_SOUNDS : NAME_LIKE`, the constant COUNT_CAP (%d), and the ORDER BY taken by srch_pick_sort (or ct_search_api_begin) from a `static const mc_sort_col[]` table of literals (the query's sort key only selects an entry); every value is bound with ?",
    ('ct_search_hearing_rows',
     'apr_pstrcat(s->p, HEARING_SELECT, HEARING_PAGE_IDS, HEARING_FROM, " ORDER BY ", s->order, HEARING_PAGE_ROWS, s->order, NULL)'):
        "plugins/casetrack/search.c: srch_count_sql/srch_page_sql/srch_name_page_sql (search_common.c) compose literal fragments only: the FROM/WHERE #defines and `static const char *_WHERE[]`, `sounds ? NAME_SOUNDS : NAME_LIKE`, the constant COUNT_CAP (%d), and the ORDER BY taken by srch_pick_sort (or ct_search_api_begin) from a `static const mc_sort_col[]` table of literals (the query's sort key only selects an entry); every value is bound with ?",
    ('search_hearings',
     'srch_count_sql(s.p, HEARING_FROM)'):
        "plugins/casetrack/search.c: srch_count_sql/srch_page_sql/srch_name_page_sql (search_common.c) compose literal fragments only: the FROM/WHERE #defines and `static const char *_WHERE[]`, `sounds ? NAME_SOUNDS : NAME_LIKE`, the constant COUNT_CAP (%d), and the ORDER BY taken by srch_pick_sort (or ct_search_api_begin) from a `static const mc_sort_col[]` table of literals (the query's sort key only selects an entry); every value is bound with ?",
    ('ct_search_judgment_rows',
     'srch_name_page_sql(s, "SELECT g.debtor, g.creditor, g.amount, g.entered_on, " "g.satisfied, c.number, c.caption", "g.id", fw, " JOIN mc_judgment g ON g.id = f.cap_id JOIN mc_case c " "ON c.id = g.case_id", fw)'):
        "plugins/casetrack/search.c: srch_count_sql/srch_page_sql/srch_name_page_sql (search_common.c) compose literal fragments only: the FROM/WHERE #defines and `static const char *_WHERE[]`, `sounds ? NAME_SOUNDS : NAME_LIKE`, the constant COUNT_CAP (%d), and the ORDER BY taken by srch_pick_sort (or ct_search_api_begin) from a `static const mc_sort_col[]` table of literals (the query's sort key only selects an entry); every value is bound with ?",
    ('search_judgments',
     'srch_count_sql(s.p, fw)'):
        "plugins/casetrack/search.c: srch_count_sql/srch_page_sql/srch_name_page_sql (search_common.c) compose literal fragments only: the FROM/WHERE #defines and `static const char *_WHERE[]`, `sounds ? NAME_SOUNDS : NAME_LIKE`, the constant COUNT_CAP (%d), and the ORDER BY taken by srch_pick_sort (or ct_search_api_begin) from a `static const mc_sort_col[]` table of literals (the query's sort key only selects an entry); every value is bound with ?",
    ('admin_members',
     'apr_pstrcat(p, "SELECT a.id, DATE_FORMAT(m.status_date, \'%m/%d/%Y %h:%i:%s %p\'), a.username, " "a.first_name, a.last_name, a.email, m.status", SQL_WHERE, " ORDER BY ", desc ? by->desc : by->asc, " LIMIT ? OFFSET ?", NULL)'):
        'plugins/groups/gadmin.c: by is an entry of SORTS, a `static const mc_sort_col[]` table of literal ORDER BY clauses, chosen by mc_sort_pick from the sort key (the key only selects an entry); the direction picks its asc or desc literal; values bound with ?',
}

_TOKEN = re.compile(r'''(?P<str>"(?:[^"\\\n]|\\.)*")|(?P<chr>'(?:[^'\\\n]|\\.)*')'''
                    r'''|(?P<id>[A-Za-z_]\w*)|(?P<ws>\s+)|(?P<other>.)''', re.S)


def _strip_comments(text):
    """Comments become spaces (newlines kept, so lines still count)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            m = _TOKEN.match(text, i)
            tok = m.group(0)
            out.append(tok)
            i += len(tok)
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _sources():
    for root in ROOTS:
        for p in sorted((REPO / root).rglob("*")):
            if p.suffix in (".c", ".h") and p.is_file():
                yield p, _strip_comments(p.read_text(errors="replace"))


def _defines(text):
    """#define NAME body (continuations joined): yields (name, params or None, body)."""
    for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(\w+)(\([^)]*\))?((?:[^\n\\]|\\.)*)",
                         text, re.M | re.S):
        params = None
        if m.group(2) is not None:
            params = [a.strip() for a in m.group(2)[1:-1].split(",") if a.strip()]
        yield m.group(1), params, m.group(3).replace("\\\n", " ")


def _scan(text, start=0):
    """The characters of text from start on, string and character literals
    skipped: yields (index, character, bracket depth before it)."""
    depth, j = 0, start
    while j < len(text):
        c = text[j]
        if c in "\"'":
            j = _TOKEN.match(text, j).end()
            continue
        yield j, c, depth
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        j += 1


def _args(text, i):
    """The arguments of the call whose '(' is at text[i]: [(start, end)], end of call."""
    start, args = i + 1, []
    for j, c, depth in _scan(text, i):
        if depth == 1 and c in ",)]}":
            args.append((start, j))
            if c != ",":
                return args, j + 1
            start = j + 1
    raise AssertionError("unbalanced call")


def _split_top(expr, sep):
    """expr split at its top-level occurrences of the character sep."""
    parts, start = [], 0
    for i, c, depth in _scan(expr):
        if c == sep and depth == 0:
            parts.append(expr[start:i])
            start = i + 1
    return parts + [expr[start:]]


def _is_literal(expr, literal_macros, stringize=()):
    """Adjacent string literals and names in literal_macros (#defines of
    literals, const char arrays initialised with literals), in parentheses
    or not; a stringize macro of a name or number (`STR(DAYS)`); or
    `cond ? literal : literal`, which only chooses between literals."""
    q = _split_top(expr, "?")
    if len(q) == 2:
        alts = _split_top(q[1], ":")
        return len(alts) == 2 and all(_is_literal(a, literal_macros, stringize) for a in alts)
    if len(q) > 2:
        return False
    toks = [m for m in _TOKEN.finditer(expr) if m.lastgroup != "ws"]
    if not toks:
        return False
    i = 0
    while i < len(toks):
        m = toks[i]
        if m.lastgroup == "id" and m.group(0) in literal_macros and i + 1 < len(toks) \
                and toks[i + 1].group(0) == "(" and literal_macros[m.group(0)] is not None \
                and m.group(0) not in stringize:
            # A template macro of literals (e.g. JT(cols)): literal when its arguments are.
            args, end = _args(expr, toks[i + 1].start())
            if len(args) != literal_macros[m.group(0)] or not all(
                    _is_literal(expr[a:b], literal_macros, stringize) for a, b in args):
                return False
            while i < len(toks) and toks[i].start() < end:
                i += 1
            continue
        if m.lastgroup == "id" and m.group(0) in stringize and i + 3 < len(toks) \
                and toks[i + 1].group(0) == "(" and toks[i + 3].group(0) == ")" \
                and re.fullmatch(r"\w+", toks[i + 2].group(0)):
            i += 4
            continue
        if m.lastgroup == "str" or (m.lastgroup == "id" and m.group(0) in literal_macros
                                    and literal_macros[m.group(0)] is None) \
                or (m.lastgroup == "other" and m.group(0) in "()"):
            i += 1
            continue
        return False
    return any(m.lastgroup in ("str", "id") for m in toks)


_CONST = re.compile(r"\bconst\s+char\s+(?:\*\s*const\s+)?(\w+)\s*(?:\[\s*\])?\s*=\s*([^;{]*);")


def _stringize_macros(texts):
    """Function-like macros that turn their argument into a string (`#x`,
    or through another such macro)."""
    texts = list(texts)
    found, grew = set(), True
    while grew:
        grew = False
        for text in texts:
            for name, params, body in _defines(text):
                if params and len(params) == 1 and name not in found and (
                        body.strip() == "#" + params[0] or re.fullmatch(
                            r"\s*(\w+)\s*\(\s*%s\s*\)\s*" % re.escape(params[0]), body)
                        and re.match(r"\s*(\w+)", body).group(1) in found):
                    found.add(name)
                    grew = True
    return found


def _literal_names(texts, stringize):
    """Names standing for literals -> None, or for template macros their
    number of arguments: object-like #defines whose body is only literals;
    `const char NAME[] = literals;` / `const char *const NAME = literals;`
    (never assigned again: they are const); function-like #defines whose
    body is literals and its parameters (e.g. `JT(cols)`)."""
    bodies = {}
    for text in texts:
        for name, params, body in _defines(text):
            if body.strip():
                bodies.setdefault((name, None if params is None else tuple(params)),
                                  []).append(body)
        for m in _CONST.finditer(text):
            bodies.setdefault((m.group(1), None), []).append(m.group(2))
    lit, grew = {}, True
    while grew:
        grew = False
        for (name, params), bs in bodies.items():
            if name in lit or (params and "..." in params):
                continue
            scope = dict(lit, **{a: None for a in params or ()})
            if all(_is_literal(b, scope, stringize) for b in bs):
                lit[name] = None if params is None else len(params)
                grew = True
    return lit


def _wrappers(sources):
    """Function-like macros whose body hands an argument to a DB call as its SQL:
    name -> index of that argument in the macro's own call."""
    calls, grew = dict(DB_CALLS), True
    while grew:
        grew = False
        for _, text in sources:
            for name, params, body in _defines(text):
                if params is None or name in calls:
                    continue
                for m in re.finditer(r"\b(%s)\s*\(" % "|".join(map(re.escape, calls)), body):
                    args, _ = _args(body, m.end() - 1)
                    words = [body[a:b].strip() for a, b in args]
                    k = calls[m.group(1)]
                    named = [p for p in params if p != "..."]
                    if k < len(words) and words[k] in named:
                        calls[name] = params.index(words[k])
                    elif "__VA_ARGS__" in words and words.index("__VA_ARGS__") <= k:
                        calls[name] = len(named) + k - words.index("__VA_ARGS__")
                    else:
                        continue
                    grew = True
                    break
    return calls


_FUNC = re.compile(r"^[A-Za-z_][\w \t\*]*?\b(\w+)\s*\(([^;{]*)\)\s*\{", re.M)


def _function_at(text, pos):
    """(name, parameter names) of the function definition holding pos."""
    name, params = "<file scope>", []
    for m in _FUNC.finditer(text, 0, pos):
        name = m.group(1)
        params = [(re.findall(r"(\w+)\s*(?:\[[^]]*\])?\s*$", a) or [""])[0]
                  for a in m.group(2).split(",")]
    return name, params


def _sql_arguments():
    """Every DB call's SQL argument: (path, line, function, call, expr, literal?).

    A function that hands one of its own parameters to the DB layer as the
    SQL (e.g. a helper `code_list(mr, db, sql, ...)`) becomes a wrapper: the
    pass-through is not reported, its callers are checked instead."""
    sources = list(_sources())
    headers = [t for p, t in sources if p.suffix == ".h"]
    stringize = _stringize_macros(t for _, t in sources)
    calls = _wrappers(sources)
    while True:
        found, grown = [], False
        call_re = re.compile(r"\b(%s)\s*\(" % "|".join(map(re.escape, calls)))
        for path, text in sources:
            lit = _literal_names(headers + ([text] if path.suffix == ".c" else []), stringize)
            define_spans = [(m.start(), m.end()) for m in re.finditer(
                r"^[ \t]*#[ \t]*define(?:[^\n\\]|\\.)*", text, re.M | re.S)]
            for m in call_re.finditer(text):
                if any(a <= m.start() < b for a, b in define_spans):
                    continue     # a wrapper macro's own body: its callers are checked
                before = text[:m.start()].rstrip()
                if re.search(r"[\w\*]$", before) and not re.search(
                        r"\b(return|else|do)$", before):
                    continue     # a declaration or definition: `apr_status_t mc_db_query(`
                args, _ = _args(text, m.end() - 1)
                k = calls[m.group(1)]
                assert k < len(args), f"{path}: {m.group(1)} with too few arguments"
                a, b = args[k]
                expr = " ".join(text[a:b].split())
                func, params = _function_at(text, m.start())
                if expr in params and func not in calls:
                    calls[func] = params.index(expr)
                    grown = True
                if expr in params and calls.get(func) == params.index(expr):
                    continue     # a wrapper's pass-through
                line = text.count("\n", 0, m.start()) + 1
                found.append((path.relative_to(REPO), line, func, m.group(1), expr,
                              _is_literal(expr, lit, stringize)))
        if not grown:
            return found, calls


def test_scanner_sees_the_db_layer():
    """The scan finds the calls and the known wrapper and literal macros."""
    found, calls = _sql_arguments()
    assert len(found) > 300, len(found)
    assert calls.get("MC_DB_EXEC_RETRY") == 4, calls
    assert any("MC_OUTBOX_COLUMNS" in f[4] and f[5] for f in found)
    assert any(f[3] == "MC_DB_EXEC_RETRY" for f in found)
    assert any(f[3] == "mc_db_exec_script" for f in found)


def test_every_sql_argument_is_a_literal():
    found, _ = _sql_arguments()
    used, bad = set(), []
    for path, line, func, call, expr, literal in found:
        if literal:
            continue
        if (func, expr) in ALLOWED:
            used.add((func, expr))
            continue
        bad.append(f"{path}:{line}: {func}: {call}(... {expr} ...)")
    assert not bad, ("SQL built at run time (use a literal, or add a reviewed entry to "
                     "ALLOWED with its reason):\n" + "\n".join(bad))
    stale = set(ALLOWED) - used
    assert not stale, f"ALLOWED entries matching no call any more: {sorted(stale)}"


def test_the_check_refuses_built_sql():
    """The classifier itself: literals and literal macros pass, anything else fails."""
    lit = {"COLS": None, "JT": 1}
    assert _is_literal('"SELECT 1"', lit)
    assert _is_literal('"SELECT " COLS " FROM t WHERE a = ?"', lit)
    assert _is_literal('lock ? "SELECT 1 FOR UPDATE" : ("SELECT " COLS)', lit)
    assert _is_literal('"LIMIT " STR(ROWS)', lit, {"STR"})
    assert _is_literal('"FROM " JT("a INT" COLS) " j"', lit)
    for expr in ("sql", 'apr_psprintf(p, "SELECT %s", x)', 'apr_pstrcat(p, "A", b, NULL)',
                 'ok ? "A" : b', '"A" + 1', "q[i]", '"SELECT " OTHER', '"LIMIT " STR(a + b)',
                 '"FROM " JT(cols)', '"FROM " JT("a", "b")',
                 'a ? "A" : b ? "B" : "C"'):
        assert not _is_literal(expr, lit, {"STR"}), expr
    assert _literal_names(['#define A "x"\n#define B A "y"\nstatic const char Q[] = B "z";\n'
                           'static const char *W = "w";\n#define T(x) "(" x ")"\n'], set()) \
        == {"A": None, "B": None, "Q": None, "T": 1}
