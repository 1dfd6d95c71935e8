#!/usr/bin/env python3
"""Leaves the NOC wall map open in kiosk mode in headless Chromium for a while, as a wall screen
spends a night, and measures whether the page grows: every SAMPLE seconds the JavaScript heap
after a forced garbage collection, the number of DOM nodes and the live stream's state. Prints
one line per sample and a verdict; exits 1 when the heap or the DOM grows past the first
samples' (after a warm-up) by more than the allowance, or the page stops updating.

usage: wall-soak.py URL USER PASSWORD SECONDS SAMPLE REFRESH OUTDIR
  REFRESH: the map's own redraw interval in seconds (kiosk URL ?refresh=); small values stand
  for many hours of 30 s redraws in a short run.
"""
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

url, user, password = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
seconds, sample, refresh, outdir = float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
assert url.startswith("http://127.") or url.startswith("https://127."), "loopback only"
os.makedirs(outdir, exist_ok=True)

opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1920,1080",
          "--no-first-run", "--disable-extensions", "--enable-precise-memory-info", "--js-flags=--expose-gc"]:
    opts.add_argument(a)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
driver.set_page_load_timeout(20)
MEASURE = """
  if (window.gc) { window.gc(); window.gc(); }
  var live = document.getElementById('live');
  return [performance.memory.usedJSHeapSize, document.getElementsByTagName('*').length,
          document.querySelectorAll('#map [data-target]').length, live ? !live.hidden : false, window.__soakMark === true,
          window.__redraws || 0];
"""
try:
    driver.get(url + "/login")
    driver.find_element(By.NAME, "user").send_keys(user)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.login button").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "ul.tree"))
    driver.get(url + f"/map?kiosk=1&refresh={refresh}")
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "body.kiosk svg#map"))
    # Count redraws (the main content replaced) without keeping anything of them.
    driver.execute_script("""window.__soakMark = true; window.__redraws = 0;
        new MutationObserver(function () { window.__redraws++; }).observe(document.querySelector('main'), {childList: true});""")
    samples = []
    start = time.time()
    while time.time() - start < seconds:
        time.sleep(sample)
        heap, nodes, elements, live, same, redraws = driver.execute_script(MEASURE)
        samples.append((time.time() - start, heap, nodes, redraws))
        print(f"wall-soak: {time.time() - start:7.0f}s heap {heap / 1e6:6.2f} MB, {nodes} nodes, {elements} map elements, "
              f"live {'on' if live else 'OFF'}, {redraws} redraws", flush=True)
        assert same, "the page was reloaded"
    driver.save_screenshot(os.path.join(outdir, "wall-soak.png"))
    warm = [s for s in samples if s[0] >= min(60, seconds / 4)]
    assert len(warm) >= 4, "too few samples after the warm-up"
    third = max(1, len(warm) // 3)
    first, last = warm[:third], warm[-third:]
    heap0, heap1 = max(s[1] for s in first), max(s[1] for s in last)
    nodes0, nodes1 = max(s[2] for s in first), max(s[2] for s in last)
    redraws = samples[-1][3]
    print(f"wall-soak: heap {heap0 / 1e6:.2f} -> {heap1 / 1e6:.2f} MB, DOM {nodes0} -> {nodes1} nodes over {redraws} redraws "
          f"in {samples[-1][0]:.0f} s", flush=True)
    assert redraws >= seconds / refresh / 2, f"the page redrew itself only {redraws} times"
    assert heap1 <= heap0 * 1.10 + 1_000_000, f"the heap grew from {heap0} to {heap1} bytes"
    assert nodes1 <= nodes0 * 1.05 + 20, f"the DOM grew from {nodes0} to {nodes1} nodes"
    print("wall-soak: no growth")
except Exception as e:  # noqa: BLE001 - the reason goes to the test's output
    try:
        driver.save_screenshot(os.path.join(outdir, "wall-soak-failure.png"))
    except Exception:
        pass
    sys.exit(f"wall-soak: FAILED: {type(e).__name__}: {e}")
finally:
    driver.quit()
