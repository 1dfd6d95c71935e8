#!/usr/bin/env python3
"""Watches the NOC wall map in headless Chromium (Selenium) while the test cuts a link in its
namespace lab: logs in, opens /map, prints "ready", then reports when each watched element
turned to a failed colour, as JSON on one line ("seen": {target: epoch seconds}), without the
page ever reloading. Polls every 0.1 s for at most TIMEOUT seconds; exits 1 on a failure.

With RESTART=1 in the environment it goes on: prints "restart-now", waits for the live stream
to drop (the engine stopped) and come back by itself (the engine started again), prints
"reconnected", then waits for every target to be drawn up again (the link restored), still
without a reload: a wall screen that rides out an engine restart.

usage: map-browser-test.py URL USER PASSWORD OUTDIR TIMEOUT TARGET...
"""
import json
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

url, user, password, outdir, timeout = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
targets = sys.argv[6:]
assert url.startswith("http://127.") or url.startswith("https://127."), "loopback only"
os.makedirs(outdir, exist_ok=True)

opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1600,1000",
          "--no-first-run", "--disable-extensions"]:
    opts.add_argument(a)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
driver.set_page_load_timeout(20)
failed = ("s-down", "s-unreachable")
try:
    driver.get(url + "/login")
    driver.find_element(By.NAME, "user").send_keys(user)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.login button").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "ul.tree"))
    driver.get(url + "/map")
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "svg#map"))
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "live").is_displayed())
    classes = "return Array.from(arguments[0]).map(function (t) { var e = document.querySelector('#map [data-target=\"' + t + '\"]'); return e ? e.getAttribute('class') : null; });"
    before = driver.execute_script(classes, targets)
    assert all(c and not any(f in c for f in failed) for c in before), f"not all up before the cut: {before}"
    driver.execute_script("window.__stillTheSamePage = true")
    driver.save_screenshot(os.path.join(outdir, "map-before.png"))
    print("ready", flush=True)
    seen = {}
    deadline = time.time() + timeout
    while time.time() < deadline and len(seen) < len(targets):
        for t, c in zip(targets, driver.execute_script(classes, targets)):
            if t not in seen and c and any(f in c for f in failed):
                seen[t] = time.time()
        time.sleep(0.1)
    assert driver.execute_script("return window.__stillTheSamePage === true"), "the page was reloaded"
    # The page redraws itself from the server after each event: once settled, the map says what
    # failed (the cut link) and what is cut off behind it (triangles), and counts them.
    time.sleep(2)
    final = driver.execute_script(classes, targets)
    counts = driver.execute_script("return document.getElementById('counts').textContent.replace(/\\s+/g, ' ').trim()")
    print(json.dumps({"final": dict(zip(targets, final)), "counts": counts}), flush=True)
    driver.save_screenshot(os.path.join(outdir, "map-cut.png"))
    print(json.dumps({"seen": seen}), flush=True)
    missing = [t for t in targets if t not in seen]
    assert not missing, f"never turned red or orange on the map: {missing}"
    if os.environ.get("RESTART") == "1":
        live = "var l = document.getElementById('live'); return l ? !l.hidden : false;"
        print("restart-now", flush=True)
        WebDriverWait(driver, 30, poll_frequency=0.2).until(lambda d: not d.execute_script(live))
        WebDriverWait(driver, 60, poll_frequency=0.2).until(lambda d: d.execute_script(live))
        print("reconnected", flush=True)
        WebDriverWait(driver, timeout, poll_frequency=0.2).until(
            lambda d: all(c and "s-up" in c for c in d.execute_script(classes, targets)))
        assert driver.execute_script("return window.__stillTheSamePage === true"), "the page was reloaded"
        driver.save_screenshot(os.path.join(outdir, "map-restored.png"))
        print(json.dumps({"restored": True}), flush=True)
    print("map-browser-test: all checks passed")
except Exception as e:  # noqa: BLE001 - the reason goes to the test's output
    try:
        driver.save_screenshot(os.path.join(outdir, "map-failure.png"))
    except Exception:
        pass
    sys.exit(f"map-browser-test: FAILED: {type(e).__name__}: {e}")
finally:
    driver.quit()
