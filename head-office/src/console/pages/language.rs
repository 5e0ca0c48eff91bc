//! The language switch: remembers the choice in a cookie and goes back to the page.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::console::i18n::LANG_COOKIE;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Back {
    back: Option<String>,
}

/// Only a path of this site: never `//host`, a full address, or a path a browser would
/// read as one once it drops tabs and newlines (no open redirect).
fn local_path(back: Option<String>) -> String {
    back.filter(|b| {
        b.starts_with('/')
            && !b
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
            && !b.starts_with("//")
    })
    .unwrap_or_else(|| "/".to_owned())
}

pub async fn switch(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(back): Query<Back>,
) -> Response {
    let lang = if code == "en" { "en" } else { "zh-CN" };
    (
        StatusCode::SEE_OTHER,
        [
            (LOCATION, local_path(back.back)),
            (
                SET_COOKIE,
                format!(
                    "{LANG_COOKIE}={lang}; Path=/; SameSite=Strict; Max-Age=31536000{}",
                    if state.secure_cookies { "; Secure" } else { "" }
                ),
            ),
        ],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_a_path_of_this_site_is_followed() {
        assert_eq!(local_path(Some("/tills".into())), "/tills");
        for hostile in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "tills",
            "/\t/evil.example",
            "/\n/evil",
            "/ /evil",
        ] {
            assert_eq!(local_path(Some(hostile.into())), "/", "{hostile}");
        }
        assert_eq!(local_path(None), "/");
    }
}
