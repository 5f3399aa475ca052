"""eFiling's document upload through the JSON API (issue 16): POST
/api/v1/envelopes/{id}/documents with the PDF as the body, streamed to the
document store as the upload page's is (the same PDF checks, size limits
and sentences), and a 100 MB document uploaded with flat Apache memory
(measured as bench/upload.py measures the page's: the serving child's peak
RSS growth over the request, after a warm-up on the same connection)."""
import hashlib
import importlib.util
import os
import socket
import sys
from pathlib import Path

from api_client import API, ApiClient, assert_problem, make_token
from helpers_casenet import seed_case
from helpers_core import poll
from helpers_efiling import ef_court, filer, make_pdf

MB = 1024 * 1024
REPO = Path(__file__).resolve().parents[2]


def bench_upload():
    """bench/upload.py (its PDF writer and its RSS watch), imported once."""
    if "bench_upload" not in sys.modules:
        sys.path.insert(0, str(REPO / "bench"))
        spec = importlib.util.spec_from_file_location("bench_upload", REPO / "bench" / "upload.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules["bench_upload"] = mod
        spec.loader.exec_module(mod)
    return sys.modules["bench_upload"]


def draft(apache, mariadb, new_account, max_bytes=MB, kind="existing"):
    """(api, court, envelope id): a filer's draft into an existing case of a
    court with the given limit."""
    court = ef_court(mariadb, max_bytes=max_bytes)
    _, number = seed_case(mariadb, court)
    acct = filer(mariadb, new_account)
    token = make_token(mariadb, acct, ["filings:read", "filings:write"])
    api = ApiClient(apache, token)
    env = api.post("/envelopes", json={"kind": "existing", "court": court["code"],
                                       "case_number": number}, expect=201).json()
    return api, court, env["id"]


def post_pdf(api, env_id, body, code="MOT", lead=True, filename="doc.pdf", ctype="application/pdf",
             **kw):
    return api.post(f"/envelopes/{env_id}/documents", data=body,
                    params={"filing_code": code, "lead": "true" if lead else "false",
                            "filename": filename},
                    headers={"Content-Type": ctype}, **kw)


def stored_files(apache):
    return sorted(p.name for p in apache.document_store.iterdir())


def test_upload_checks_and_sentences(apache, mariadb, new_account):
    api, court, env_id = draft(apache, mariadb, new_account)
    before = stored_files(apache)

    def refused(r, status, slug, sentence, field="file"):
        body = assert_problem(r, status, slug)
        if field:
            assert body["errors"] == [{"field": field, "detail": sentence}], body
        else:
            assert body["detail"] == sentence, body

    refused(post_pdf(api, env_id, b"GIF89a not a PDF\n" * 40), 422, "invalid-field",
            "The file is not a PDF document.")
    refused(post_pdf(api, env_id, make_pdf("secret", encrypt=True)), 422, "invalid-field",
            "The PDF is encrypted or password-protected; upload it without a password.")
    refused(post_pdf(api, env_id, b""), 422, "invalid-field",
            "The file is empty. Choose the PDF document to file.")
    refused(post_pdf(api, env_id, make_pdf("x"), code="NOPE"), 422, "invalid-field",
            f"Choose one of {court['name']}'s filing codes.", field="filing_code")
    refused(post_pdf(api, env_id, make_pdf("x"), code=""), 422, "invalid-field",
            "Choose the filing code.", field="filing_code")
    refused(post_pdf(api, env_id, make_pdf("x"), filename="../../etc/passwd.pdf"), 422,
            "invalid-field", "The file name contains \"..\" as a folder: give the file a plain "
            "name, such as petition.pdf, and upload it again.", field="filename")
    assert_problem(post_pdf(api, env_id, make_pdf("x"), ctype="multipart/form-data; boundary=x"),
                   415, "document-type")
    # Over the court's 1 MB limit: by its Content-Length, and sent chunked.
    too_big = f"The document is larger than {court['name']}'s limit of 1 MB."
    refused(post_pdf(api, env_id, make_pdf("big", pad=MB + 1000)), 413, "document-too-large",
            too_big)
    chunk = b"%PDF-1.7\n%" + b"x" * (64 * 1024) + b"\n"
    refused(post_pdf(api, env_id, (chunk for _ in range(40))), 413, "document-too-large",
            too_big)
    assert stored_files(apache) == before
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_document WHERE envelope_id = {env_id}") == "0"

    # Exactly the limit is taken; its hash and size are the document's.
    pad = MB - len(make_pdf("limit"))
    while len(make_pdf("limit", pad=pad)) != MB:
        pad -= len(make_pdf("limit", pad=pad)) - MB
    pdf = make_pdf("limit", pad=pad)
    doc = post_pdf(api, env_id, pdf, filename="C:\\briefs\\motion.pdf", expect=201).json()
    assert (doc["bytes"], doc["sha256"], doc["filename"], doc["lead"]) == \
        (MB, hashlib.sha256(pdf).hexdigest(), "motion.pdf", True)
    assert doc["replaced_lead"] is None
    stored = mariadb.value(f"SELECT stored_name FROM mc_ef_document WHERE id = {doc['id']}")
    assert (apache.document_store / stored).read_bytes() == pdf
    # A new lead: the old one stays, as an attachment.
    doc2 = post_pdf(api, env_id, make_pdf("answer"), code="ANS", expect=201).json()
    assert doc2["replaced_lead"] == doc["id"]
    items = api.get(f"/envelopes/{env_id}/documents", expect=200).json()["items"]
    assert [(d["id"], d["lead"]) for d in items] == [(doc2["id"], True), (doc["id"], False)]


def test_upload_needs_a_draft_with_a_court(apache, mariadb, new_account):
    api, court, env_id = draft(apache, mariadb, new_account)
    # The court stopped taking filings.
    mariadb.sql(f"UPDATE mc_court SET efiling = 0 WHERE code = '{court['code']}'")
    try:
        r = post_pdf(api, env_id, make_pdf("x"), expect=409)
        assert assert_problem(r, 409, "conflict")["detail"] == \
            f"{court['name']} does not accept electronic filings now."
    finally:
        mariadb.sql(f"UPDATE mc_court SET efiling = 1 WHERE code = '{court['code']}'")


def test_a_client_gone_mid_upload_leaves_nothing(apache, mariadb, new_account):
    api, court, env_id = draft(apache, mariadb, new_account, max_bytes=4 * MB)
    host = apache.base_url.split("://", 1)[1].rstrip("/")
    since = apache.error_log_offset()
    sock = socket.create_connection(("127.0.0.1", apache.port), timeout=30)
    sock.sendall((f"POST {API}/envelopes/{env_id}/documents?filing_code=MOT HTTP/1.1\r\n"
                  f"Host: {host}\r\nAuthorization: Bearer {api.token}\r\nContent-Type: "
                  f"application/pdf\r\nContent-Length: {2 * MB}\r\n\r\n").encode()
                 + make_pdf("half")[:1000] + b"%" + b"x" * (200 * 1024))
    poll(lambda: any(f.startswith(".tmp-") for f in stored_files(apache)), timeout=30,
         what="the upload's temporary file")
    sock.close()
    poll(lambda: not any(f.startswith(".tmp-") for f in stored_files(apache)), timeout=30,
         what="the temporary file removed")
    poll(lambda: any("MC2631" in x for x in apache.error_log_lines(since)), timeout=30,
         what="the log line of the upload not completed")
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_document WHERE envelope_id = {env_id}") == "0"


def test_100_mb_upload_with_flat_memory(apache, mariadb, new_account, tmp_path):
    bench = bench_upload()
    api, court, env_id = draft(apache, mariadb, new_account, max_bytes=101 * MB)
    big, warm = tmp_path / "big.pdf", tmp_path / "warm.pdf"
    sha = bench.write_pdf(big, 100 * MB)
    bench.write_pdf(warm, 2 * MB)
    host = apache.base_url.split("://", 1)[1].rstrip("/")
    path = f"{API}/envelopes/{env_id}/documents?filing_code=EXH&lead=false&filename=big.pdf"

    def send(sock, file_path):
        size = os.path.getsize(file_path)
        sock.sendall((f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer "
                      f"{api.token}\r\nContent-Type: application/pdf\r\nContent-Length: "
                      f"{size}\r\n\r\n").encode())
        with open(file_path, "rb") as f:
            sock.sendfile(f)

    conn = bench.Conn(apache.port, "", host)
    try:
        send(conn.sock, warm)                       # warm-up on the same connection
        status, _, body = conn.read_response()
        assert status == 201, body[-2000:]
        master = apache._pid()
        child = bench.serving_child(master, apache.port, conn.sock.getsockname()[1])
        watch = bench.RssWatch(child)
        send(conn.sock, big)
        status, _, body = conn.read_response()
        growth, sampled, how = watch.finish()
        assert status == 201, body[-2000:]
        assert bench.serving_child(master, apache.port, conn.sock.getsockname()[1]) == child
    finally:
        conn.close()
    print(f"API upload of 100 MB: Apache child {child} peak RSS growth {growth // 1024} KiB "
          f"({how}; sampled VmRSS {sampled // 1024} KiB)")
    assert growth < bench.TARGET_GROWTH, f"the child grew by {growth // 1024} KiB"
    row = mariadb.sql("SELECT sha256, bytes FROM mc_ef_document WHERE envelope_id = "
                      f"{env_id} ORDER BY id DESC LIMIT 1")[0]
    assert (row[0], int(row[1])) == (sha, 100 * MB)
    assert api.get(f"/envelopes/{env_id}/documents", expect=200).json()["items"][-1]["sha256"] == sha


def test_an_upload_with_an_idempotency_key_adds_one_document(apache, mariadb, new_account):
    """A retried upload (the answer lost) or copies sent at once with the same
    Idempotency-Key add the document once; the repeats answer 200 with it, and
    their stored copies are removed. Without a key each upload adds one."""
    import concurrent.futures
    api, court, env_id = draft(apache, mariadb, new_account)
    before = stored_files(apache)
    body = make_pdf("retried motion")

    def send(_):
        own = ApiClient(apache, api.token)
        return own.post(f"/envelopes/{env_id}/documents", data=body,
                        params={"filing_code": "MOT", "lead": "true", "filename": "m.pdf"},
                        headers={"Content-Type": "application/pdf",
                                 "Idempotency-Key": "upload-1"})

    with concurrent.futures.ThreadPoolExecutor(5) as ex:
        answers = list(ex.map(send, range(5)))
    assert sorted(r.status_code for r in answers) == [200] * 4 + [201], \
        [(r.status_code, r.text[:300]) for r in answers]
    ids = {r.json()["id"] for r in answers}
    assert len(ids) == 1
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_document WHERE envelope_id = {env_id}") == "1"
    again = send(0)
    assert again.status_code == 200 and again.json()["id"] in ids
    assert len(stored_files(apache)) == len(before) + 1
    # Another key, or none: a document each.
    post_pdf(api, env_id, body, lead=False, expect=201)
    r = api.post(f"/envelopes/{env_id}/documents", data=body,
                 params={"filing_code": "MOT", "lead": "false"},
                 headers={"Content-Type": "application/pdf", "Idempotency-Key": "upload-2"})
    assert r.status_code == 201
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_document WHERE envelope_id = {env_id}") == "3"
    r = api.post(f"/envelopes/{env_id}/documents", data=body,
                 params={"filing_code": "MOT", "lead": "false"},
                 headers={"Content-Type": "application/pdf", "Idempotency-Key": "k" * 256})
    assert assert_problem(r, 422, "invalid-field")["errors"][0]["field"] == "Idempotency-Key"
    assert mariadb.value(f"SELECT COUNT(*) FROM mc_ef_document WHERE envelope_id = {env_id}") == "3"
    assert len(stored_files(apache)) == len(before) + 3
