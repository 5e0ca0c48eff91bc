//! Screenshots of the console from the real browser (headless chromium through
//! chromedriver, the tests' harness), signed in as the demo users. Run by
//! `bash scripts/console-screenshots.sh`, which brings up a demo head office first.
//!
//! ```sh
//! cargo run -p head-office --example console_screenshots -- \
//!     http://127.0.0.1:8080 docs/screenshots demo-admin:PASSWORD demo-manager:PASSWORD
//! ```

#[path = "../tests/it/browser/support.rs"]
mod support;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use support::Browser;

/// A sign-in given as `name:password`.
struct SignIn {
    name: String,
    password: String,
}

fn sign_in_arg(arg: Option<String>, what: &str) -> anyhow::Result<SignIn> {
    let arg = arg.with_context(|| format!("missing {what} as name:password"))?;
    let Some((name, password)) = arg.split_once(':') else {
        bail!("{what} {arg:?} is not name:password");
    };
    Ok(SignIn {
        name: name.to_owned(),
        password: password.to_owned(),
    })
}

async fn save(browser: &Browser, out: &Path, name: &str) -> anyhow::Result<()> {
    let png = browser.client.screenshot().await?;
    let path = out.join(name);
    std::fs::write(&path, png).with_context(|| format!("write {}", path.display()))?;
    println!("screenshot: {}", path.display());
    Ok(())
}

/// Signs in as `who` (landing on the dashboard) and opens the Tills and sync page.
async fn tills_as(browser: &Browser, base: &str, who: &SignIn) -> anyhow::Result<()> {
    browser.sign_in(base, &who.name, &who.password).await?;
    browser.wait_for_path("/dashboard").await?;
    browser.client.goto(&format!("{base}/tills")).await?;
    browser.wait_for("table#terminals").await?;
    Ok(())
}

async fn sign_out(browser: &Browser) -> anyhow::Result<()> {
    browser
        .wait_for("form[action='/logout'] button")
        .await?
        .click()
        .await?;
    browser.wait_for_path("/login").await?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let base = args.next().context("missing the console's address")?;
    let out = PathBuf::from(args.next().context("missing the output folder")?);
    let admin = sign_in_arg(args.next(), "the admin")?;
    let manager = sign_in_arg(args.next(), "the store manager")?;
    std::fs::create_dir_all(&out).with_context(|| format!("create {}", out.display()))?;

    let browser = Browser::start().await?;
    // zh-CN, the console's default: the browser starts with no language cookie.
    browser.client.goto(&format!("{base}/login")).await?;
    browser.wait_for("input[name=username]").await?;
    save(&browser, &out, "console-login.png").await?;

    tills_as(&browser, &base, &admin).await?;
    save(&browser, &out, "console-tills.png").await?;
    // The main pages as the admin sees them, each once its table is drawn.
    for (path, ready, file) in [
        ("/dashboard", "table#by-store", "console-dashboard.png"),
        ("/reports", "table#report", "console-reports.png"),
        (
            "/reports?report=promotions",
            "table#report",
            "console-reports-promotions.png",
        ),
        ("/catalog", "main table", "console-catalog.png"),
        ("/promotions", "main table", "console-promotions.png"),
        ("/stock", "table#stock", "console-stock.png"),
        ("/closes", "table#closes", "console-closes.png"),
        ("/audit", "main table", "console-audit.png"),
    ] {
        browser.client.goto(&format!("{base}{path}")).await?;
        browser.wait_for(ready).await?;
        save(&browser, &out, file).await?;
    }
    sign_out(&browser).await?;

    // The store manager's view, in English through the page's own switch.
    tills_as(&browser, &base, &manager).await?;
    browser
        .wait_for("header a[href^='/lang/en']")
        .await?
        .click()
        .await?;
    browser.wait_for("html[lang=en] table#terminals").await?;
    save(&browser, &out, "console-tills-store-manager-en.png").await?;
    sign_out(&browser).await?;

    browser.close().await?;
    Ok(())
}
