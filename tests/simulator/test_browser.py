"""The test page in a real headless Chromium (Debian's chromium, driven through its chromedriver).

The page is served by a real server on 127.0.0.1 (the web service with the page, as `make
simulator` runs it). In CI a missing browser fails these tests; elsewhere they skip.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from simpage import simulator_app
from werkzeug.serving import make_server

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
WAIT = 10  # seconds; a turn takes milliseconds, the first one (content load) well under one
# Records what the page asks the browser to say, instead of sound (headless Chromium has no voices).
RECORD_SPEECH = """
window.__spoken = [];
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  speak(u) { window.__spoken.push({text: u.text, lang: u.lang}); setTimeout(() => u.onend && u.onend(), 0); },
  cancel() { window.__cancelled = (window.__cancelled || 0) + 1; },
}});
"""


def wait(driver) -> WebDriverWait:
    return WebDriverWait(driver, WAIT, poll_frequency=0.02)


def _browser_missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.exists(path) or shutil.which(path)):
            return f"{path} is not installed (make test installs Debian's chromium and chromium-driver)"
    return None


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = make_server("127.0.0.1", 0, simulator_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager look for a browser online
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,1000",
        "--lang=en-US",
        "--no-first-run",
        "--disable-extensions",
    ):
        options.add_argument(argument)
    try:
        browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    except WebDriverException as exc:
        pytest.fail(f"chromium did not start: {exc.msg}")
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_SPEECH})
    yield browser
    browser.quit()


@pytest.fixture
def tab(driver, base_url) -> webdriver.Chrome:
    """The page in a fresh tab state (sessionStorage cleared)."""
    driver.get(base_url + "/")
    driver.execute_script("sessionStorage.clear()")
    driver.refresh()
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")
    return driver


def turns(driver) -> list[WebElement]:
    return driver.find_elements(By.CSS_SELECTOR, "#transcript li.turn")


def wait_for_turns(driver, count: int) -> WebElement:
    wait(driver).until(lambda d: len(turns(d)) >= count)
    return turns(driver)[-1]


def say(driver, utterance: str) -> WebElement:
    """Type and press Enter; the new transcript entry."""
    before = len(turns(driver))
    box = driver.find_element(By.ID, "utterance")
    box.send_keys(utterance + Keys.ENTER)
    return wait_for_turns(driver, before + 1)


def text_of(element: WebElement, selector: str) -> str:
    return element.find_element(By.CSS_SELECTOR, selector).text


def pane(driver, name: str) -> dict:
    return json.loads(driver.find_element(By.ID, f"{name}-json").get_attribute("textContent"))


def touch(driver, label: str) -> WebElement:
    before = len(turns(driver))
    button = driver.find_element(By.XPATH, f"//div[@id='screen']//button[normalize-space()='{label}']")
    button.click()
    return wait_for_turns(driver, before + 1)


def test_a_question_shows_the_reply_the_intent_and_the_real_envelopes(tab):
    launch = say(tab, "open back pain guide")
    assert "Back Pain Guide" in text_of(launch, ".alexa .speech")
    assert text_of(launch, ".resolved .intent") == "LaunchRequest"

    asked = say(tab, "what causes sciatica")
    assert text_of(asked, ".resolved .intent") == "CausesIntent"
    assert 'topic = "sciatica" → sciatica (sciatica)' in text_of(asked, ".resolved")
    speech = text_of(asked, ".alexa .speech")
    assert "sciatic nerve" in speech
    assert tab.find_element(By.CSS_SELECTOR, "#card .card-title").text == "Sciatica"

    request, response = pane(tab, "request"), pane(tab, "response")
    assert request["request"]["intent"]["name"] == "CausesIntent"
    assert request["session"]["new"] is False and request["session"]["attributes"]
    assert response["version"] == "1.0" and "sciatic nerve" in response["response"]["outputSpeech"]["ssml"]

    more = say(tab, "tell me more")
    assert text_of(more, ".resolved .intent") == "AMAZON.MoreIntent"
    assert "buttock" in text_of(more, ".alexa .speech")
    wait(tab).until(
        lambda d: "buttock" in (d.execute_script("return window.__spoken") or [{}])[-1].get("text", "")
    )
    spoken = tab.execute_script("return window.__spoken")
    assert spoken[-1]["lang"] == "en-US" and "buttock" in spoken[-1]["text"]
    assert not any("<" in s["text"] for s in spoken)  # SSML stripped before it is spoken
    assert not tab.find_element(By.ID, "error").is_displayed()


def test_the_checklist_to_an_emergency_shows_the_number(tab):
    Select(tab.find_element(By.ID, "locale")).select_by_value("en-GB")
    say(tab, "open back pain guide")
    first = say(tab, "check my symptoms")
    assert text_of(first, ".resolved .intent") == "ChecklistIntent"
    reply = say(tab, "yes")
    speech = text_of(reply, ".alexa .speech")
    assert speech.startswith("Call nine nine nine now.")
    assert text_of(reply, ".ended") == "Session ended."
    assert "Call 999 now" in tab.find_element(By.CSS_SELECTOR, "#card .card-text").text
    assert pane(tab, "request")["request"]["locale"] == "en-GB"
    assert "No session open" in tab.find_element(By.ID, "session-status").text


def test_an_echo_show_turn_with_a_button_press(tab):
    Select(tab.find_element(By.ID, "device")).select_by_value("screen")
    say(tab, "open back pain guide")
    assert "Try saying" in tab.find_element(By.ID, "screen").text
    say(tab, "check my symptoms")
    screen = tab.find_element(By.ID, "screen")
    assert "Warning signs: question 1 of" in screen.text
    assert "not Amazon's renderer" in tab.find_element(By.CSS_SELECTOR, ".device .notice").text

    pressed = touch(tab, "No")
    assert text_of(pressed, ".you") == "Touch\nNo" or text_of(pressed, ".you").endswith("No")
    assert text_of(pressed, ".resolved .intent") == "Alexa.Presentation.APL.UserEvent"
    request = pane(tab, "request")
    assert request["request"]["type"] == "Alexa.Presentation.APL.UserEvent"
    assert request["request"]["arguments"] == ["answer", "no"]
    assert request["context"]["Viewport"]["pixelWidth"] == 960
    assert "question 2 of" in tab.find_element(By.ID, "screen").text

    emergency = touch(tab, "Yes")
    assert text_of(emergency, ".alexa .speech").startswith("Call nine one one now.")
    assert "911" in tab.find_element(By.ID, "screen").text
    assert tab.find_elements(By.CSS_SELECTOR, "#screen-warnings li") == []


def active(driver) -> WebElement:
    return driver.switch_to.active_element


def keys(driver, *pressed: str) -> None:
    webdriver.ActionChains(driver).send_keys(*pressed).perform()


def test_keyboard_only(tab):
    """From the top of the page with the keyboard alone: the skip link, a question, the device
    selector, and a button on the screen preview pressed with Enter and with Space."""
    keys(tab, Keys.TAB)  # a freshly loaded page: the first Tab reaches the first focusable element
    assert active(tab).get_attribute("class") == "skip"
    keys(tab, Keys.ENTER)
    assert active(tab).get_attribute("id") == "utterance"
    keys(tab, "open back pain guide", Keys.ENTER)
    wait_for_turns(tab, 1)
    assert active(tab).get_attribute("id") == "utterance"  # focus stays in the box for the next turn

    keys(tab, Keys.SHIFT + Keys.TAB)
    for _ in range(20):  # back through the transcript's buttons to the device selector
        if active(tab).get_attribute("id") == "device":
            break
        keys(tab, Keys.SHIFT + Keys.TAB)
    assert active(tab).get_attribute("id") == "device"
    keys(tab, Keys.ARROW_DOWN)
    assert tab.execute_script("return document.getElementById('device').value") == "screen"

    tab.find_element(By.ID, "utterance").send_keys("check my symptoms" + Keys.ENTER)
    wait_for_turns(tab, 2)
    for _ in range(10):  # forward from the box to the screen's first button
        keys(tab, Keys.TAB)
        if "apl-touch" in (active(tab).get_attribute("class") or ""):
            break
    assert active(tab).text == "Yes"
    keys(tab, Keys.TAB)
    assert active(tab).text == "No"
    keys(tab, Keys.ENTER)
    after_no = wait_for_turns(tab, 3)
    assert text_of(after_no, ".resolved .intent") == "Alexa.Presentation.APL.UserEvent"
    assert active(tab).text == "Yes"  # focus moves to the new screen's first button
    keys(tab, Keys.TAB, Keys.SPACE)
    wait_for_turns(tab, 4)
    assert pane(tab, "request")["request"]["arguments"] == ["answer", "no"]
    assert "question 3 of" in tab.find_element(By.ID, "screen").text


def test_new_session_starts_over_and_the_tab_keeps_its_session(tab):
    say(tab, "open back pain guide")
    say(tab, "what causes sciatica")
    session_id = pane(tab, "request")["session"]["sessionId"]
    tab.refresh()  # the session is the tab's: a reload keeps it
    wait(tab).until(lambda d: len(turns(d)) == 2)
    more = say(tab, "tell me more")
    assert "buttock" in text_of(more, ".alexa .speech")
    assert pane(tab, "request")["session"]["sessionId"] == session_id

    tab.find_element(By.ID, "new-session").click()
    assert turns(tab) == [] and "No session yet" in tab.find_element(By.ID, "session-status").text
    assert tab.find_element(By.ID, "request-json").text == ""
    again = say(tab, "what causes sciatica")
    request = pane(tab, "request")
    assert request["session"]["new"] is True and request["session"]["sessionId"] != session_id
    assert "(new session)" in text_of(again, ".resolved")


def test_errors_show_on_the_page(tab):
    unmatched = say(tab, "zork wibble blah")
    assert "No sample utterance" in text_of(unmatched, ".note")
    tab.execute_script(
        "document.querySelector('#locale option').value = 'xx-XX';"
        "document.getElementById('locale').dispatchEvent(new Event('change'));"
    )
    tab.find_element(By.ID, "utterance").send_keys("hello" + Keys.ENTER)
    error = tab.find_element(By.ID, "error")
    wait(tab).until(lambda d: error.is_displayed())
    assert "refused (400): locale must be one of" in error.text
    assert len(turns(tab)) == 1


def test_copy_skill_io(tab, base_url):
    tab.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": base_url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    say(tab, "open back pain guide")
    say(tab, "what helps back pain")
    tab.find_element(By.ID, "copy").click()
    wait(tab).until(lambda d: "Copied" in d.find_element(By.ID, "copy-status").text)
    copied = tab.execute_async_script(
        "navigator.clipboard.readText().then(arguments[0], e => arguments[0](String(e)))"
    )
    io = json.loads(copied)
    assert io["request"] == pane(tab, "request") and io["response"] == pane(tab, "response")
    assert io["request"]["request"]["type"] == "IntentRequest"


CONTRAST = """
function rgb(text) { const m = text.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; }
function lum(c) { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); }
function background(el) { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
  if (c.a > 0) return c; } return {r: 255, g: 255, b: 255, a: 1}; }
const worst = [];
for (const el of document.querySelectorAll(arguments[0])) {
  if (!el.offsetParent || !el.textContent.trim()) continue;
  const fg = lum(rgb(getComputedStyle(el).color)), bg = lum(background(el));
  const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  worst.push([ratio, el.tagName + "." + el.className + ": " + el.textContent.trim().slice(0, 30)]);
}
return worst.sort((a, b) => a[0] - b[0]);
"""


def test_labels_and_contrast(tab):
    Select(tab.find_element(By.ID, "device")).select_by_value("screen")
    say(tab, "open back pain guide")
    say(tab, "zork wibble")  # a note too
    unlabelled = tab.execute_script("""
        return [...document.querySelectorAll('input, select, button, textarea, pre[tabindex]')]
          .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
          .map(el => el.outerHTML.slice(0, 80));""")
    assert unlabelled == []
    page_text = "body > header *, .chat *, .device > :not(#screen) *, .device > p, .device > h2"
    ratios = tab.execute_script(CONTRAST, page_text)
    assert ratios and ratios[0][0] >= 4.5, ratios[:3]  # WCAG AA for normal text
