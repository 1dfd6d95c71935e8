#!/usr/bin/env python3
"""Drives headless Chromium (Debian's chromium + chromium-driver, via Selenium) against a
running `pantau demo` dashboard on loopback, as a person would: log in, see the overview,
watch the scripted FO cut turn the POP red and its P1 ticket appear without reloading the
page, open the ticket, acknowledge it. Assertions are on the rendered DOM; screenshots go to
OUTDIR. Exits 1 with the reason on the first failure.

usage: browser-test.py URL USER PASSWORD OUTDIR [ADMIN ADMIN_PASSWORD]
(the page walk at phone and desk width runs as the admin when given: the admin menu too)
"""
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

url, user, password, outdir = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4]
admin = sys.argv[5:7] if len(sys.argv) >= 7 else None
assert url.startswith("http://127.") or url.startswith("https://127."), "loopback only"
os.makedirs(outdir, exist_ok=True)

opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1800",
          "--no-first-run", "--disable-extensions", "--lang=id"]:
    opts.add_argument(a)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
driver.set_page_load_timeout(20)
started = time.time()


def step(text):
    print(f"browser-test: {time.time() - started:5.1f}s {text}", flush=True)


def fresh(fn, tries=10):
    """Runs fn again when the page swapped its main content under it (a live update)."""
    for i in range(tries):
        try:
            return fn()
        except StaleElementReferenceException:
            if i == tries - 1:
                raise
            time.sleep(0.1)


def shot(name):
    path = os.path.join(outdir, name)
    driver.save_screenshot(path)
    step(f"screenshot {path}")


try:
    driver.get(url + "/")
    WebDriverWait(driver, 10).until(lambda d: "/login" in d.current_url)
    step("not logged in: sent to the login page")
    driver.find_element(By.NAME, "user").send_keys(user)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.login button").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "ul.tree"))
    nested = driver.find_elements(By.CSS_SELECTOR, 'ul.tree li[data-target="dc"] li[data-target="pop-lepar"] li[data-target="kec-lepar"]')
    assert nested, "the overview nests DC -> POP Lepar -> Kantor Camat Lepar"
    step("logged in; the overview shows the topology DC -> POP -> OPD")
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "live").is_displayed())
    step("live updates connected")
    # The wall map in a second tab with its P1 alarm turned on (a click, as browsers require;
    # notifications granted as a person would), left open while the cut comes.
    driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": url, "permissions": ["notifications"]})
    overview_tab = driver.current_window_handle
    driver.switch_to.new_window("tab")
    driver.get(url + "/map")
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "alerts-on"))
    driver.find_element(By.ID, "alerts-on").click()
    map_tab = driver.current_window_handle
    driver.switch_to.window(overview_tab)
    shot("1-overview.png")
    driver.execute_script("window.__stillTheSamePage = true")

    # Read in one script run: the page swaps its main content while it updates, so element
    # handles taken across two calls can go stale.
    cut = """
      var li = document.querySelector('li[data-target="pop-lepar"]');
      var a = document.querySelector('#open-tickets tr.p-P1 a');
      if (!li || !li.classList.contains('s-down') || !a) return null;
      return [a.textContent, li.querySelector(':scope > .state').textContent];
    """
    found = WebDriverWait(driver, 120, poll_frequency=0.2).until(lambda d: d.execute_script(cut))
    assert driver.execute_script("return window.__stillTheSamePage === true"), "the page was reloaded"
    number, state = found
    step(f"the FO cut arrived live without a reload: POP Lepar '{state}', ticket {number} P1")
    shot("2-fo-cut-live.png")
    driver.switch_to.window(map_tab)
    alarms = WebDriverWait(driver, 15, poll_frequency=0.2).until(lambda d: d.execute_script("return window.__pantauAlarms || null"))
    assert alarms[0]["number"] == number and alarms[0]["sound"] and alarms[0]["notification"], f"the map's P1 alarm: {alarms}"
    assert len(alarms) == 1, f"one alarm for one P1: {alarms}"
    shot("2-map-p1.png")
    step(f"the wall map sounded and notified P1 {number}")
    driver.close()
    driver.switch_to.window(overview_tab)

    driver.execute_script("document.querySelector('#open-tickets tr.p-P1 a').click()")
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "ticket-state"))
    assert number in fresh(lambda: driver.find_element(By.TAG_NAME, "h1").text)
    fresh(lambda: driver.find_element(By.ID, "ack").click())
    WebDriverWait(driver, 10, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: d.find_element(By.ID, "ticket-state").get_attribute("data-state") == "acknowledged")
    shown = fresh(lambda: driver.find_element(By.ID, "ticket-state").text)
    assert shown == "ditangani", f"the state in Bahasa Indonesia, got {shown!r}"
    assigned = fresh(lambda: driver.find_element(By.ID, "assigned").text)
    assert assigned == "Demo NOC", f"assigned to the logged-in user, got {assigned!r}"
    step(f"{number} acknowledged, assigned to {assigned}")
    shot("3-acknowledged.png")

    # Every page at a phone's width (390 px) and a desk's, in both languages: no page-wide
    # horizontal scroll on the phone, the text at a readable size (a viewport, not a 980 px
    # page shrunk), a screenshot of each.
    if admin:
        driver.delete_all_cookies()
        driver.get(url + "/login")
        driver.find_element(By.NAME, "user").send_keys(admin[0])
        driver.find_element(By.NAME, "password").send_keys(admin[1])
        driver.find_element(By.CSS_SELECTOR, "form.login button").click()
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "ul.tree"))
        step(f"logged in as {admin[0]} for the page walk")
    last_month = driver.execute_script("var d = new Date(); d.setDate(1); d.setMonth(d.getMonth() - 1); "
                                       "return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0');")
    pages = {"overview": "/", "tickets": "/tickets", "ticket": "/tickets/" + number, "berita-acara": f"/tickets/{number}/berita-acara",
             "site": "/sites/pop-lepar", "link": "/links/fo-laut-kota-lepar", "availability": "/availability",
             "explain": "/availability/dinkes", "users": "/admin/users", "config": "/admin/config", "archive": "/archive",
             "report": "/report/" + last_month, "map": "/map"}
    for lang in ["id", "en"]:
        driver.get(url + f"/lang/{lang}?next=/")
        for width, height, label in [(390, 844, "phone"), (1280, 900, "desk")]:
            driver.set_window_size(width, height)
            for name, path in pages.items():
                driver.get(url + path)
                WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
                status = driver.execute_script("return document.title")
                shot(f"5-{label}-{lang}-{name}.png")
                if label != "phone":
                    continue
                inner = driver.execute_script("return window.innerWidth")
                wide = driver.execute_script("return document.documentElement.scrollWidth")
                assert wide <= inner + 1, f"{path} ({lang}) is {wide}px wide on a {inner}px phone ('{status}')"
                viewport = driver.execute_script("var m = document.querySelector('meta[name=viewport]'); return m ? m.content : ''")
                assert "width=device-width" in viewport, f"{path} ({lang}) has no phone viewport: the page is shrunk"
                small = driver.execute_script("""
                  var n = 0; document.querySelectorAll('body *').forEach(function (e) {
                    if (!e.closest('svg') && e.children.length === 0 && e.textContent.trim() && e.getBoundingClientRect().width > 0
                        && parseFloat(getComputedStyle(e).fontSize) < 11) n++; }); return n;""")
                assert small == 0, f"{path} ({lang}): {small} texts under 11px on a phone"
        step(f"every page usable at 390 px and 1280 px in {lang}")
    driver.get(url + "/lang/id?next=/")
    print("browser-test: all checks passed")
except Exception as e:  # noqa: BLE001 - the reason goes to the test's output
    try:
        shot("failure.png")
    except Exception:
        pass
    sys.exit(f"browser-test: FAILED: {type(e).__name__}: {e}")
finally:
    driver.quit()
