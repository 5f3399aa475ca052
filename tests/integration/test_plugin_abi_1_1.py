"""Plugin ABI 1.1: after_logon and logon_links, and a 1.0 plugin (whose
descriptor is shorter) still loads and is never read past its end."""
from harness import web
from harness.apache import load_test_plugin


def test_logon_links_on_the_logon_page(apache, http):
    r = http.get(apache.url("/account/logon"))
    assert 'href="/probe/hello/help"' in r.text and ">Probe help</a>" in r.text


def test_after_logon_sends_the_account_on(make_apache, new_account):
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off"})
    plain, detour = new_account(), new_account(roles=["detour"])
    s = web.new_session()
    r = web.logon(s, ap.url(""), detour.username, detour.password)
    assert r.url.endswith("/probe/mine"), r.url
    assert f"Account: {detour.username}" in r.text
    s = web.new_session()
    r = web.logon(s, ap.url(""), plain.username, plain.password)
    assert r.url.endswith("/account/"), r.url
    # ABI 1.4: a page asked for wins over the hook's landing page.
    s = web.new_session()
    r = web.logon(s, ap.url(""), detour.username, detour.password,
                  path="/account/logon?return=%2Fprobe%2Fhello%2Fasked")
    assert r.url.endswith("/probe/hello/asked"), r.url


def test_an_abi_1_0_plugin_still_works(make_apache, new_account):
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off"},
                     extra_conf=load_test_plugin("abi_old", "/old"))
    s = web.new_session()
    assert "An ABI 1.0 plugin answers." in s.get(ap.url("/old/")).text
    page = s.get(ap.url("/account/logon"))
    assert page.status_code == 200 and "Probe help" in page.text
    acct = new_account()
    r = web.logon(s, ap.url(""), acct.username, acct.password)
    assert r.url.endswith("/account/"), r.url


def test_abi_1_2_periodic_runs_in_delivery_rounds(apache, mariadb):
    """The delivery worker calls each plugin's periodic hook every round,
    and mc_site_url names the plugin's mount under MoCourtsBaseURL."""
    before = int(mariadb.value("SELECT COUNT(*) FROM mc_audit WHERE event = 'probe-periodic'"))
    mariadb.wait_for("SELECT COUNT(*) FROM mc_audit WHERE event = 'probe-periodic'",
                     lambda v: v and int(v[0][0]) >= before + 2, timeout=15)
    detail = mariadb.value("SELECT detail FROM mc_audit WHERE event = 'probe-periodic' "
                           "ORDER BY id DESC LIMIT 1")
    assert detail == apache.base_url.rstrip("/") + "/probe/hello/periodic"


def test_my_account_links_to_manage_my_case(make_apache, new_account):
    """Seed 002: My Account -> Manage My Case."""
    ap = make_apache(overrides={"MoCourtsNewDeviceCode": "Off"})
    acct = new_account()
    s = web.new_session()
    web.logon(s, ap.url(""), acct.username, acct.password)
    page = s.get(ap.url("/registration/myaccount")).text
    assert f'href="{ap.base_url.rstrip("/")}/casenet/mycases">Manage My Case</a>' in page
