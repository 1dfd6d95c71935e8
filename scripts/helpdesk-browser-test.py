#!/usr/bin/env python3
"""The helpdesk end to end in two headless Chromium sessions (Selenium) against a running
`pantau demo` on loopback: an OPD user reports a disruption from the dashboard, the NOC sees
the ticket appear live on its tickets page (no reload), acknowledges, resolves and closes it
with the Berita Acara, and the OPD user sees it closed with the archived document. Prints
TICKET=<number> for the caller, which checks the requester's channel. Exits 1 on failure.

usage: helpdesk-browser-test.py URL NOC_USER NOC_PASSWORD OPD_USER OPD_PASSWORD OUTDIR
"""
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

url, noc_user, noc_pw, opd_user, opd_pw, outdir = sys.argv[1].rstrip("/"), *sys.argv[2:7]
assert url.startswith("http://127.") or url.startswith("https://127."), "loopback only"
os.makedirs(outdir, exist_ok=True)
started = time.time()


def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1600",
              "--no-first-run", "--disable-extensions", "--lang=id"]:
        opts.add_argument(a)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    d.set_page_load_timeout(20)
    return d


def step(text):
    print(f"helpdesk-browser-test: {time.time() - started:5.1f}s {text}", flush=True)


def fresh(fn, tries=10):
    """Runs fn again when the page swapped its main content under it (a live update)."""
    for i in range(tries):
        try:
            return fn()
        except (StaleElementReferenceException, WebDriverException) as e:
            # Chromium says a node swapped out under a click either way ("stale element", or
            # "Node with given id does not belong to the document").
            stale = isinstance(e, StaleElementReferenceException) or "does not belong to the document" in str(e)
            if not stale or i == tries - 1:
                raise
            time.sleep(0.1)


def state_is(d, want):
    return fresh(lambda: d.find_element(By.ID, "ticket-state").get_attribute("data-state")) == want


def login(d, user, password):
    d.get(url + "/login")
    d.find_element(By.NAME, "user").send_keys(user)
    d.find_element(By.NAME, "password").send_keys(password)
    d.find_element(By.CSS_SELECTOR, "form.login button").click()
    WebDriverWait(d, 10).until(lambda x: "/login" not in x.current_url)


noc, opd = browser(), browser()
try:
    login(noc, noc_user, noc_pw)
    noc.get(url + "/tickets")
    WebDriverWait(noc, 10).until(lambda d: d.find_element(By.ID, "live").is_displayed())
    noc.execute_script("window.__stillTheSamePage = true")
    step("NOC: tickets page open, live updates connected")

    login(opd, opd_user, opd_pw)
    opd.get(url + "/tickets")
    # The page may refresh its content once live updates connect: open the form on the page as it is then.
    fresh(lambda: opd.find_element(By.CSS_SELECTOR, "#report-form summary").click())
    WebDriverWait(opd, 10).until(lambda d: d.execute_script('return document.querySelector("#report-form[open]") !== null'))
    sites = [o.get_attribute("value") for o in opd.find_elements(By.CSS_SELECTOR, "#report-form select[name=site] option")]
    assert sites == ["dinsos"], f"an OPD user reports only for its own site, offered {sites}"
    opd.find_element(By.CSS_SELECTOR, "#report-form input[name=contact]").send_keys("whatsapp:+6281299990001")
    opd.find_element(By.CSS_SELECTOR, "#report-form textarea[name=text]").send_keys("Internet kantor mati sejak pukul 08.00")
    opd.find_element(By.ID, "report-send").click()
    WebDriverWait(opd, 10).until(lambda d: d.find_elements(By.ID, "ticket-state"))
    number = opd.find_element(By.TAG_NAME, "h1").text.split()[0]
    kind = opd.find_element(By.ID, "kind").text
    assert kind == "laporan OPD", f"a reported ticket, got {kind!r}"
    step(f"OPD: reported; ticket {number} ({kind})")
    opd.save_screenshot(os.path.join(outdir, "h1-opd-reported.png"))

    row = f"#tickets a[href='/tickets/{number}']"
    WebDriverWait(noc, 30, poll_frequency=0.2).until(lambda d: d.execute_script(f'return document.querySelector("{row}") !== null'))
    assert noc.execute_script("return window.__stillTheSamePage === true"), "the NOC page was reloaded"
    step(f"NOC: {number} appeared live without a reload")
    noc.save_screenshot(os.path.join(outdir, "h2-noc-live.png"))

    noc.execute_script(f'document.querySelector("{row}").click()')
    WebDriverWait(noc, 10).until(lambda d: d.find_elements(By.ID, "ticket-state"))
    requesters = fresh(lambda: noc.find_element(By.ID, "requesters").text)
    assert "+6281299990001" in requesters and "Internet kantor mati" in requesters, requesters
    fresh(lambda: noc.find_element(By.ID, "ack").click())
    WebDriverWait(noc, 10).until(lambda d: state_is(d, "acknowledged"))
    fresh(lambda: noc.find_element(By.CSS_SELECTOR, "form[action$='/resolve'] button").click())
    WebDriverWait(noc, 10).until(lambda d: state_is(d, "resolved"))
    close = "form[action$='/close']"

    def fill(name, text):
        fresh(lambda: noc.find_element(By.CSS_SELECTOR, f"{close} [name={name}]").send_keys(text))

    fill("officers", "Budi Santoso (NIP 198001012006041001)")
    fill("problem", "Switch di ruang server Dinsos mati")
    fill("work", "Switch dinyalakan ulang, UPS diperiksa")
    fill("place", "Ruang server Dinas Sosial")
    fresh(lambda: Select(noc.find_element(By.CSS_SELECTOR, f"{close} [name=cause]")).select_by_value("opd-power"))
    fresh(lambda: noc.find_element(By.CSS_SELECTOR, f"{close} button").click())
    WebDriverWait(noc, 10).until(lambda d: state_is(d, "closed"))
    assert noc.find_elements(By.ID, "archived"), "the closed ticket links its archived Berita Acara"
    step(f"NOC: {number} acknowledged, resolved, closed with the Berita Acara")
    noc.save_screenshot(os.path.join(outdir, "h3-noc-closed.png"))

    opd.get(url + f"/tickets/{number}")
    state = opd.find_element(By.ID, "ticket-state").text
    assert state == "ditutup", f"the OPD sees its ticket closed, got {state!r}"
    opd.find_element(By.ID, "archived").click()
    WebDriverWait(opd, 10).until(lambda d: "Berita Acara" in d.title)
    body = opd.find_element(By.TAG_NAME, "body").text
    assert "Switch dinyalakan ulang" in body and number in body, "the archived Berita Acara"
    step("OPD: sees the ticket closed and reads the archived Berita Acara")
    opd.save_screenshot(os.path.join(outdir, "h4-opd-archive.png"))
    print(f"TICKET={number}")
    print("helpdesk-browser-test: all checks passed")
except Exception as e:  # noqa: BLE001
    for name, d in (("noc", noc), ("opd", opd)):
        try:
            d.save_screenshot(os.path.join(outdir, f"h-failure-{name}.png"))
        except Exception:
            pass
    sys.exit(f"helpdesk-browser-test: FAILED: {type(e).__name__}: {e}")
finally:
    noc.quit()
    opd.quit()
