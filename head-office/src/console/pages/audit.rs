//! The audit log (审计日志), newest first: read-only for everyone.

use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use maud::html;

use crate::console::audit::latest;
use crate::console::i18n::Lang;
use crate::console::layout::{may_read_audit, page};
use crate::console::session::Signed;
use crate::console::{forbidden, page_error};
use crate::state::AppState;

/// Entries one page shows.
const SHOWN: i64 = 500;

pub async fn show(State(state): State<AppState>, lang: Lang, signed: Signed) -> Response {
    if !may_read_audit(&signed.user) {
        return forbidden(lang, &signed);
    }
    let entries = match state.pool.get().await {
        Ok(client) => latest(&**client, SHOWN).await,
        Err(e) => Err(e.into()),
    };
    let entries = match entries {
        Ok(entries) => entries,
        Err(e) => return page_error(e),
    };
    let json =
        |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
    let body = html! {
        table id="audit" {
            thead { tr {
                th { (lang.t("audit.at")) } th { (lang.t("audit.user")) } th { (lang.t("audit.action")) }
                th { (lang.t("audit.subject")) } th { (lang.t("audit.before")) } th { (lang.t("audit.after")) }
            } }
            tbody {
                @for e in &entries {
                    tr {
                        td { (e.at.format("%Y-%m-%d %H:%M:%S")) } td { (e.user_name) } td { (e.action) }
                        td { (e.subject) } td { code { (json(&e.before)) } } td { code { (json(&e.after)) } }
                    }
                }
            }
        }
    };
    Html(page(lang, Some(&signed), &lang.t("audit.title"), "/audit", body).into_string())
        .into_response()
}
