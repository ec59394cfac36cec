"""Screenshot of the test page on an Echo Show turn, for the README (docs/simulator-echo-show.png).

    .venv/bin/python tools/simulator_screenshot.py [OUTPUT.png]

Serves the page on a free local port, drives Debian's headless chromium through a launch, the
checklist's first question and a touch on "No", and saves what the browser shows.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lambda"))
os.environ.setdefault("BACK_PAIN_GUIDE_DB", str(Path(tempfile.mkdtemp(prefix="bpg-shot-")) / "state.sqlite3"))

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from back_pain_guide.web.app import create_app  # noqa: E402


def main(output: str = str(ROOT / "docs" / "simulator-echo-show.png")) -> int:
    server = make_server("127.0.0.1", 0, create_app(verify=False, simulator=True, environ={}), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(f"http://127.0.0.1:{server.server_port}/")
        Select(driver.find_element(By.ID, "device")).select_by_value("screen")
        Select(driver.find_element(By.ID, "locale")).select_by_value("en-GB")
        driver.find_element(By.ID, "speak").click()
        for count, utterance in enumerate(["open back pain guide", "check my symptoms"], start=1):
            driver.find_element(By.ID, "utterance").send_keys(utterance + Keys.ENTER)
            WebDriverWait(driver, 10).until(
                lambda d, count=count: len(d.find_elements(By.CSS_SELECTOR, ".turn")) == count
            )
        driver.find_element(By.XPATH, "//div[@id='screen']//button[normalize-space()='No']").click()
        WebDriverWait(driver, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".turn")) == 3)
        driver.execute_script("document.getElementById('response-pane').open = false; window.scrollTo(0, 0)")
        time.sleep(0.2)
        driver.save_screenshot(output)
    finally:
        driver.quit()
        server.shutdown()
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
