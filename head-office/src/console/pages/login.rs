//! Signing in and out. The sign-in form carries a token that must match a cookie set
//! with the form (double submit), so another site cannot sign a browser in.

use axum::Form;
use axum::extract::State;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use maud::html;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::auth::new_token;
use crate::console::i18n::Lang;
use crate::console::layout::page;
use crate::console::session::{self, CsrfForm, Signed, cookie_value};
use crate::console::sign_in::{SignInError, sign_in};
use crate::console::{csrf_refused, page_error};
use crate::state::AppState;

const LOGIN_CSRF_COOKIE: &str = "ho_login_csrf";

/// Where a person lands after signing in.
const HOME: &str = "/dashboard";

#[derive(Deserialize)]
pub struct SignInForm {
    username: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

pub async fn form(State(state): State<AppState>, lang: Lang) -> Response {
    form_page(&state, lang, StatusCode::OK, None)
}

fn form_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    problem: Option<String>,
) -> Response {
    let csrf = new_token();
    let body = html! {
        @if let Some(problem) = &problem {
            p.problem role="alert" { (problem) }
        }
        form method="post" action="/login" {
            input type="hidden" name="csrf" value=(csrf);
            label { (lang.t("login.username")) " " input name="username" autocomplete="username" required autofocus; }
            label { (lang.t("login.password")) " " input name="password" type="password" autocomplete="current-password" required; }
            button type="submit" { (lang.t("login.submit")) }
        }
    };
    let markup = page(lang, None, &lang.t("login.title"), "/login", body);
    (
        status,
        [(
            SET_COOKIE,
            format!(
                "{LOGIN_CSRF_COOKIE}={csrf}; Path=/login; HttpOnly; SameSite=Strict{}",
                if state.secure_cookies { "; Secure" } else { "" }
            ),
        )],
        Html(markup.into_string()),
    )
        .into_response()
}

pub async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let expected = cookie_value(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !bool::from(expected.as_bytes().ct_eq(form.csrf.as_bytes())) {
        return form_page(
            &state,
            lang,
            StatusCode::FORBIDDEN,
            Some(lang.t("login.expired")),
        );
    }
    match sign_in(&state.pool, form.username.trim(), form.password, Utc::now()).await {
        Ok((_, new)) => (
            StatusCode::SEE_OTHER,
            [
                (LOCATION, HOME.to_owned()),
                (
                    SET_COOKIE,
                    session::cookie(&new.token, state.secure_cookies),
                ),
            ],
        )
            .into_response(),
        Err(SignInError::Refused) => form_page(
            &state,
            lang,
            StatusCode::UNAUTHORIZED,
            Some(lang.t("login.refused")),
        ),
        Err(SignInError::Waiting { until }) => form_page(
            &state,
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            Some(lang.tf(
                "login.waiting",
                &[("until", &until.format("%Y-%m-%d %H:%M:%S UTC").to_string())],
            )),
        ),
        Err(SignInError::Db(e)) => page_error(e),
    }
}

pub async fn sign_out(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    let closed = match state.pool.get().await {
        Ok(client) => session::close(&**client, &signed.token).await,
        Err(e) => Err(e.into()),
    };
    if let Err(e) = closed {
        return page_error(e);
    }
    (
        StatusCode::SEE_OTHER,
        [
            (LOCATION, "/login".to_owned()),
            (SET_COOKIE, session::expired_cookie(state.secure_cookies)),
        ],
    )
        .into_response()
}
