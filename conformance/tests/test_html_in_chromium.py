"""The HTML report in a real browser: headless Chromium through Selenium.

Needs Debian's ``chromium`` and ``chromium-driver`` packages. Without them the
tests are skipped, except under CI (the ``CI`` environment variable), where
they fail: CI installs both.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plugboard_conformance._model import Report
from plugboard_conformance._render import write_reports

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def require_chromium() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    why = f"{' and '.join(missing)} missing: apt-get install chromium chromium-driver"
    if os.environ.get("CI"):
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--window-size=1400,1000",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def open_report(driver: Any, report: Report, directory: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    page = write_reports(report, directory)["html"]
    driver.get(page.resolve().as_uri())
    wait = WebDriverWait(driver, 20)
    wait.until(expected_conditions.visibility_of_element_located((By.ID, "matrix")))
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"))


def severe(driver: Any) -> list[dict[str, Any]]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_the_report_page_works_in_chromium(
    browser: Any, report: Report, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    open_report(browser, report, tmp_path / "reports")
    assert browser.title == "Conformance report: synth"
    assert severe(browser) == []

    # The embedded JSON parses to the report, hostile message included.
    embedded = browser.execute_script(
        "return JSON.parse(document.getElementById('report-data').textContent);"
    )
    assert embedded == report.to_json()
    assert browser.execute_script("return document.scripts.length;") == 2

    matrix = browser.find_element(By.ID, "matrix")
    assert matrix.size["width"] > 200 and matrix.size["height"] > 100
    failing = browser.find_element(
        By.CSS_SELECTOR, '#matrix td[data-op="pb::add"][data-dtype="float16"]'
    )
    passing = browser.find_element(
        By.CSS_SELECTOR, '#matrix td[data-op="pb::add"][data-dtype="float32"]'
    )
    assert failing.text == "✗" and passing.text == "✓"
    fail_colour = failing.value_of_css_property("background-color")
    pass_colour = passing.value_of_css_property("background-color")
    assert fail_colour != pass_colour
    assert "rgba(0, 0, 0, 0)" not in (fail_colour, pass_colour)
    assert "functional: fail" in (failing.get_attribute("title") or "")

    # A click shows every variant of the cell in the details panel.
    failing.click()
    details = browser.find_element(By.ID, "details")
    text = details.text
    assert "pb::add · float16" in text
    assert "functional" in text and "inplace" in text
    assert "max abs error 0.5 exceeds atol 0.001" in text
    assert "65504" in text  # the worst input
    commands = [c.text for c in details.find_elements(By.CSS_SELECTOR, "code.cmd")]
    assert (
        "pytest --pyargs plugboard_conformance --backend synth "
        "-k 'test_op and add and float16 and functional'"
    ) in commands
    assert "selected" in (failing.get_attribute("class") or "")

    # The copy button answers (with the clipboard or its fallback) without errors.
    button = details.find_element(By.CSS_SELECTOR, "button.copy")
    button.click()
    WebDriverWait(browser, 10).until(lambda _: button.get_attribute("data-state"))
    assert button.get_attribute("data-state") in ("copied", "select and copy")

    # The hostile message is shown as text, not run as markup.
    browser.find_element(
        By.CSS_SELECTOR, '#matrix td[data-op="pb::sum"][data-dtype="bfloat16"]'
    ).click()
    assert "</script><script>alert('x')</script>" in details.text
    assert all("pipes" not in b.text for b in details.find_elements(By.TAG_NAME, "b"))

    # The errors column and a row of the problems table open their cases too.
    browser.find_element(By.CSS_SELECTOR, '#matrix td[data-variant="errors"][data-op='
                         '"pb::softmax"]').click()
    assert "raised no error" in details.text
    problem = browser.find_element(By.CSS_SELECTOR, 'tr.problem[data-op="pb::sin"]')
    browser.execute_script("arguments[0].scrollIntoView();", problem)
    problem.click()
    assert "pb::sin" in details.text

    # The filter hides the rows of other operators.
    search = browser.find_element(By.ID, "filter")
    search.send_keys("soft")
    visible = [row.get_attribute("data-op") for row in
               browser.find_elements(By.CSS_SELECTOR, "#matrix tbody tr") if row.is_displayed()]
    assert visible == ["pb::softmax"]

    png = browser.get_screenshot_as_png()
    width, height = png_size(png)
    assert width >= 800 and height >= 600
    assert len(png) > 20_000  # a rendered page, not a blank one
    assert browser.save_screenshot(str(tmp_path / "report.png"))
    assert severe(browser) == []


def test_an_empty_report_page_has_no_errors(
    browser: Any, make_report: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    page = write_reports(make_report(cases=[], contract=[]), tmp_path)["html"]
    browser.get(page.resolve().as_uri())
    WebDriverWait(browser, 20).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready")
    )
    assert expected_conditions.visibility_of_element_located((By.ID, "matrix"))(browser)
    assert severe(browser) == []
