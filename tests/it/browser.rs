//! The app in a real headless Chromium: pages render, forms submit, the
//! session cookie survives redirects. Screenshots land in target/screenshots/.

use std::path::PathBuf;

use crate::helpers::TestApp;
use crate::helpers::browser::Browser;

fn screenshot_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/screenshots")
        .join(format!("{name}.png"))
}

#[tokio::test]
async fn a_customer_signs_in_and_out_in_a_real_browser() {
    let app = TestApp::spawn().await;
    let browser = Browser::start().await;

    browser.goto(&app.url("/login")).await;
    browser.wait_for("#login-heading").await;
    browser.screenshot(screenshot_path("login")).await;

    browser.sign_in(&app.address, "customer1@example.com").await;
    assert_eq!(browser.current_url().await.path(), "/");
    let badge = browser.find(".user-menu .role-badge").await;
    assert_eq!(badge.text().await.unwrap().trim(), "Customer");

    browser.goto(&app.url("/no-such-page")).await;
    let heading = browser.wait_for("#error-heading").await;
    assert!(!heading.text().await.unwrap().is_empty());
    browser.screenshot(screenshot_path("not-found")).await;

    browser.goto(&app.url("/account")).await;
    browser.wait_for(".ticket-meta").await;
    browser.screenshot(screenshot_path("account")).await;

    browser
        .click(".user-menu form[action='/logout'] button[type=submit]")
        .await;
    browser.wait_for("#login-heading").await;
    assert_eq!(browser.current_url().await.path(), "/login");
    browser.close().await;
}
