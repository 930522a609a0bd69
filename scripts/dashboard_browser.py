"""Drives Assay's admin dashboard in headless Chromium, as scripts/test-dashboard runs it.

Signs in, sees the counts, retries the dead letter, opens the report, signs out; takes a
screenshot of each page at a laptop's and a phone's size. Exits non-zero at the first step that
does not show what it should, saying which.
"""

import argparse
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

SIZES = {"laptop": (1366, 900), "phone": (390, 844)}


class StepFailed(Exception):
    pass


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def expect(condition, message):
    if not condition:
        raise StepFailed(message)


def eventually(check, message, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise StepFailed(message)


def text_of(driver, selector):
    """The text of the first element `selector` finds on the page now; empty while there is none
    (the page after a click may not have loaded yet)."""
    try:
        return driver.find_element(By.CSS_SELECTOR, selector).text
    except (NoSuchElementException, StaleElementReferenceException):
        return ""


def screenshots(driver, folder, name):
    for size, (width, height) in SIZES.items():
        driver.set_window_size(width, height)
        # The page's full height, so that the shot shows all of it.
        full = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, max(height, min(full + 150, 4000)))
        driver.save_screenshot(f"{folder}/{name}-{size}.png")
    driver.set_window_size(*SIZES["laptop"])


def cell(driver, queue, column):
    rows = driver.find_elements(By.CSS_SELECTOR, "#queue-status table.counts tbody tr")
    for row in rows:
        cells = row.find_elements(By.TAG_NAME, "td")
        if cells and cells[0].text == queue:
            return cells[column].text
    return None


def run(arguments, driver):
    base, shots = arguments.base, arguments.screenshots

    print("dashboard: a page without a session leads to the sign-in form")
    driver.get(f"{base}/admin")
    expect(driver.current_url == f"{base}/admin/login", f"not sent to sign in: {driver.current_url}")
    driver.find_element(By.ID, "token").send_keys("not-the-token")
    driver.find_element(By.CSS_SELECTOR, "form.login button").click()
    # The click submits the form; the refusal is the next page, which may not have loaded yet.
    eventually(lambda: "That is not the admin token." in driver.page_source, "a wrong token was not refused")
    screenshots(driver, shots, "1-sign-in-refused")

    print("dashboard: sign in")
    driver.find_element(By.ID, "token").send_keys(arguments.token)
    driver.find_element(By.CSS_SELECTOR, "form.login button").click()
    eventually(lambda: driver.current_url == f"{base}/admin", f"not signed in: {driver.current_url}")
    cookie = driver.get_cookie("assay_session")
    expect(cookie is not None and cookie.get("httpOnly"), f"no HttpOnly session cookie: {cookie}")
    expect(cookie.get("sameSite") == "Strict", f"the cookie is not SameSite=Strict: {cookie}")
    expect(arguments.token not in cookie["value"], "the cookie holds the admin token")

    print("dashboard: the counts, refreshed by the page's script")
    driver.execute_script("document.querySelector('#queue-status .meta').id = 'before-refresh'")
    eventually(
        lambda: cell(driver, "scoring-jobs", 4) == "1",
        f"the scoring queue's dead count is {cell(driver, 'scoring-jobs', 4)!r}, not 1",
    )
    eventually(
        lambda: driver.find_elements(By.ID, "before-refresh") == [],
        "the counts were not refreshed in place by the script",
        timeout=15,
    )
    expect(cell(driver, "report-jobs", 0) == "report-jobs", "no row for report-jobs")
    expect("Workers alive" in driver.page_source, "no workers section")
    expect(len(driver.find_elements(By.CSS_SELECTOR, "#queue-status table")) == 2, "no worker is shown alive")
    screenshots(driver, shots, "2-queues")

    print("dashboard: the dead letter, with its error history; retry it")
    driver.find_element(By.LINK_TEXT, "Dead letters").click()
    eventually(lambda: arguments.dead_job in text_of(driver, "article.job"), "the dead letter is not listed")
    job = driver.find_element(By.CSS_SELECTOR, "article.job")
    expect("no-such-submission does not exist" in job.text, "its error history is not shown")
    screenshots(driver, shots, "3-dead-letters")
    job.find_element(By.XPATH, ".//button[text()='Retry']").click()
    eventually(lambda: text_of(driver, ".notice") == "The job was given fresh attempts.",
               "the retry did not say that the job was given fresh attempts")
    screenshots(driver, shots, "4-retried")

    print("dashboard: the submissions; open the report")
    driver.find_element(By.LINK_TEXT, "Submissions").click()
    eventually(lambda: "Ada <script>Lovelace</script>" in text_of(driver, "table"),
               "the candidate's name is not shown as text")
    screenshots(driver, shots, "5-submissions")
    driver.find_element(By.CSS_SELECTOR, f"a[href='/admin/submissions/{arguments.submission}/report']").click()
    eventually(lambda: text_of(driver, "h1") == "Swift basics",
               "the report's heading is not the assessment's title")
    expect("Assessment report" in driver.page_source, "not the report page")
    screenshots(driver, shots, "6-report")

    print("dashboard: sign out")
    driver.get(f"{base}/admin")
    driver.find_element(By.XPATH, "//button[text()='Sign out']").click()
    eventually(lambda: driver.current_url == f"{base}/admin/login", f"not signed out: {driver.current_url}")
    expect(driver.get_cookie("assay_session") is None, "the cookie is still there")
    driver.get(f"{base}/admin/submissions")
    expect(driver.current_url == f"{base}/admin/login", "a page still opens after signing out")

    # Script errors and refused loads (a CSP violation among them); the refused sign-in's 401 is
    # a network entry, and expected.
    log = driver.get_log("browser")
    errors = [entry for entry in log if entry["level"] == "SEVERE" and entry["source"] != "network"]
    expect(errors == [], f"the browser's console has errors: {errors}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--submission", required=True)
    parser.add_argument("--dead-job", required=True)
    parser.add_argument("--screenshots", required=True)
    arguments = parser.parse_args()
    driver = browser()
    try:
        run(arguments, driver)
    except (StepFailed, WebDriverException) as error:
        driver.save_screenshot(f"{arguments.screenshots}/failed.png")
        print(f"dashboard: FAILED: {error}", file=sys.stderr)
        print(f"dashboard: at {driver.current_url}; screenshot {arguments.screenshots}/failed.png", file=sys.stderr)
        return 1
    finally:
        driver.quit()
    print(f"dashboard: every step passed; screenshots in {arguments.screenshots}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
