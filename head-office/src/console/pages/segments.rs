//! Member segments (会员分群, RFM): members per segment in the last run with their share
//! and average R/F/M scores; a segment's members a page at a time (name and phone
//! masked) and as CSV. Admins, merchandisers and auditors read it; store managers are
//! refused (a segment covers the whole chain's members). Admins change a segment's
//! rules in the form below its members (saved by `segment_rules`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use maud::{Markup, html};

use crate::console::i18n::Lang;
use crate::console::layout::page;
use crate::console::session::Signed;
use crate::console::table::Params;
use crate::console::{bad_query, forbidden, page_error, problem_page, url_part};
use crate::export::export_segment;
use crate::rfm::read::{self, SegmentMembers, Summary, page_of};
use crate::rfm::store::{self, rules_line};
use crate::rfm::{Segment, SegmentText, schedule};
use crate::state::AppState;

pub const PATH: &str = "/segments";

fn name_of(lang: Lang, name_zh: &str, name_en: &str) -> String {
    match lang {
        Lang::ZhCn => name_zh.to_owned(),
        Lang::En => name_en.to_owned(),
    }
}

fn summary_body(lang: Lang, summary: &Summary) -> Markup {
    html! {
        @match &summary.run {
            Some(run) => p role="status" {
                (lang.tf("segments.run_line", &[
                    ("as_of", &run.as_of.to_string()),
                    ("window", &run.window_days.to_string()),
                    ("members", &run.members.to_string()),
                    ("at", &crate::chain_time::local(run.computed_at).format("%Y-%m-%d %H:%M").to_string()),
                    ("took", &run.took_ms.to_string()),
                ]))
            },
            None => p.notice role="status" {
                (lang.tf("segments.no_run", &[("hour", &schedule::HOUR_DEFAULT.to_string())]))
            },
        }
        p { (lang.t("segments.scoring")) }
        div.scroll { table.data id="segments" {
            thead { tr {
                th { (lang.t("segments.name")) }
                th { (lang.t("segments.code")) }
                th { (lang.t("segments.rules")) }
                th.num { (lang.t("segments.members")) }
                th.num { (lang.t("segments.share")) }
                th.num { (lang.t("segments.average_r")) }
                th.num { (lang.t("segments.average_f")) }
                th.num { (lang.t("segments.average_m")) }
            } }
            tbody {
                @for s in &summary.segments {
                    tr {
                        td { a href={ (PATH) "/" (url_part(&s.code)) } { (name_of(lang, &s.name_zh, &s.name_en)) } }
                        td { (s.code) }
                        td { "R " (s.r_rule) " · F " (s.f_rule) " · M " (s.m_rule) }
                        td.num { (s.members) }
                        td.num { (s.share_percent) "%" }
                        td.num { (s.average_r) }
                        td.num { (s.average_f) }
                        td.num { (s.average_m) }
                    }
                }
            }
        } }
        @if summary.unsegmented > 0 {
            p { (lang.tf("segments.unsegmented", &[("members", &summary.unsegmented.to_string())])) }
        }
    }
}

/// `GET /segments`.
pub async fn show(State(state): State<AppState>, lang: Lang, signed: Signed) -> Response {
    if !signed.user.may_read_segments() {
        return forbidden(lang, &signed);
    }
    let summary = match state.pool.get().await {
        Ok(client) => read::summary(&**client).await,
        Err(e) => Err(e.into()),
    };
    match summary {
        Ok(summary) => {
            let body = summary_body(lang, &summary);
            let markup = page(lang, Some(&signed), &lang.t("segments.title"), PATH, body);
            Html(markup.into_string()).into_response()
        }
        Err(e) => page_error(e),
    }
}

fn members_table(lang: Lang, found: &SegmentMembers) -> Markup {
    let columns = [
        "member_id",
        "card_no",
        "member_name",
        "phone",
        "last_purchase",
        "recency_days",
        "frequency",
        "monetary",
        "r_score",
        "f_score",
        "m_score",
    ];
    html! {
        div.scroll { table.data id="segment_members" {
            thead { tr { @for c in columns { th { (lang.t(&format!("segments.{c}"))) } } } }
            tbody {
                @for m in &found.members {
                    tr {
                        td { a href={ "/members/" (url_part(&m.member_id)) } { (m.member_id) } }
                        td { (m.card_no) }
                        td { (m.name) }
                        td { (m.phone) }
                        td { (m.last_purchase) }
                        td.num { (m.recency_days) }
                        td.num { (m.frequency) }
                        td.num { (format!("{:.2}", m.monetary)) }
                        td.num { (m.r_score) }
                        td.num { (m.f_score) }
                        td.num { (m.m_score) }
                    }
                }
            }
        } }
        @if found.members.is_empty() {
            p { (lang.t("table.empty")) }
        }
    }
}

fn pager(lang: Lang, path: &str, found: &SegmentMembers) -> Markup {
    let pages = ((found.total + found.per_page - 1) / found.per_page).max(1);
    let link = |page: i64| format!("{path}?page={page}&per_page={}", found.per_page);
    html! {
        nav.tabs aria-label=(lang.t("segments.pages")) {
            @if found.page > 1 {
                a href=(link(found.page - 1)) rel="prev" { (lang.t("segments.previous")) }
            }
            span { (lang.tf("segments.page_of", &[("page", &found.page.to_string()), ("pages", &pages.to_string()), ("total", &found.total.to_string())])) }
            @if found.page < pages {
                a href=(link(found.page + 1)) rel="next" { (lang.t("segments.next")) }
            }
            a href={ (path) "?format=csv" } { (lang.t("table.export")) }
        }
    }
}

/// `GET /segments/{code}`: the segment's members, `?page=`, `?per_page=`, or the whole
/// segment as CSV (`?format=csv`).
pub async fn members(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(code): Path<String>,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    if !signed.user.may_read_segments() {
        return forbidden(lang, &signed);
    }
    let params = Params(raw);
    let wants_csv = match params.wants_csv() {
        Ok(w) => w,
        Err(e) => return bad_query(lang, &signed, &e.reason(lang)),
    };
    let number = |name: &str| -> Result<Option<i64>, String> {
        params
            .get(name)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| format!("{name}: {v:?} is not a whole number"))
            })
            .transpose()
    };
    let asked = number("page").and_then(|p| Ok((p, number("per_page")?)));
    let (page_no, per_page) = match asked.and_then(|(p, n)| page_of(p, n)) {
        Ok(asked) => asked,
        Err(reason) => return bad_query(lang, &signed, &reason),
    };
    let client = match state.pool.get().await {
        Ok(client) => client,
        Err(e) => return page_error(e.into()),
    };
    let segment = match store::load_segment(&**client, &code).await {
        Ok(Some(segment)) => segment,
        Ok(None) => {
            return problem_page(
                StatusCode::NOT_FOUND,
                lang,
                Some(&signed),
                "segments.not_found",
            );
        }
        Err(e) => return page_error(e),
    };
    if wants_csv {
        let mut out = Vec::new();
        return match export_segment(&client, &segment.code, &mut out).await {
            Ok(_) => csv_answer(&segment.code, out),
            Err(e) => {
                tracing::error!(error = %e, "segment export failed");
                problem_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    lang,
                    Some(&signed),
                    "error.internal",
                )
            }
        };
    }
    match read::members(&**client, &segment.code, page_no, per_page).await {
        Ok(found) => {
            let body = html! {
                @if params.get("saved").is_some() {
                    p.notice role="status" { (lang.t("segments.saved")) }
                }
                (members_body(lang, &signed, &segment, &found, None))
            };
            let title = name_of(lang, &segment.name_zh, &segment.name_en);
            Html(page(lang, Some(&signed), &title, PATH, body).into_string()).into_response()
        }
        Err(e) => page_error(e),
    }
}

/// The segment's page: its rules, its members and (for admins) the rules' form.
pub fn members_body(
    lang: Lang,
    signed: &Signed,
    segment: &Segment,
    found: &SegmentMembers,
    refused_form: Option<Markup>,
) -> Markup {
    let path = format!("{PATH}/{}", url_part(&segment.code));
    html! {
        p { a href=(PATH) { (lang.t("segments.back")) } }
        p { (segment.code) " · " (rules_line(segment)) }
        (pager(lang, &path, found))
        (members_table(lang, found))
        @if signed.user.may_edit_segments() {
            @match refused_form {
                Some(refused_form) => (refused_form),
                None => (form(lang, signed, &segment.text(), None)),
            }
        }
    }
}

fn csv_answer(code: &str, body: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"segment-{code}.csv\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The fields of the form, in order (the code is the page's).
const FIELDS: [&str; 6] = [
    "precedence",
    "name_zh",
    "name_en",
    "r_rule",
    "f_rule",
    "m_rule",
];

fn value(text: &SegmentText, name: &str) -> String {
    match name {
        "precedence" => text.precedence.clone(),
        "name_zh" => text.name_zh.clone(),
        "name_en" => text.name_en.clone(),
        "r_rule" => text.r_rule.clone(),
        "f_rule" => text.f_rule.clone(),
        _ => text.m_rule.clone(),
    }
}

/// The rules' form, with `problem` above it when a change was refused.
pub fn form(lang: Lang, signed: &Signed, text: &SegmentText, problem: Option<&str>) -> Markup {
    html! {
        h2 { (lang.t("segments.edit")) }
        @if let Some(problem) = problem {
            p.problem role="alert" { (problem) }
        }
        p { (lang.t("segments.rule_help")) }
        form method="post" action={ (PATH) "/" (url_part(&text.code)) } {
            input type="hidden" name="csrf" value=(signed.csrf);
            @for name in FIELDS {
                label { (lang.t(&format!("segments.{name}"))) " "
                    input name=(name) value=(value(text, name));
                }
            }
            button type="submit" { (lang.t("segments.save")) }
        }
    }
}
