//! Promotions (促销): every rule of the chain in one table; admins and merchandisers
//! create, edit, end and delete them with the catalog file's own checks. A change
//! reaches the tills through the feed, like an import, and is written to the audit log
//! in the same transaction. Every role may try a rule (saved or not) on an example
//! basket: see [`crate::console::preview`].

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use chrono::{NaiveDateTime, Utc};
use maud::{Markup, html};
use pos_domain::promotion::Promotion;
use serde_json::json;

use super::promotion_list::status;
use crate::catalog::{
    add_promotion, product, promotion, promotion_for_update, remove_promotion, save_promotion,
};
use crate::console::i18n::Lang;
use crate::console::layout::page;
use crate::console::preview::{self, Basket};
use crate::console::promotion_form::{Draft, KINDS, SEGMENT, named_skus};
use crate::console::session::{CsrfForm, Signed};
use crate::console::{audit, csrf_refused, forbidden, page_error, problem_page, url_part};
use crate::error::DbError;
use crate::promotion_segments::{check as check_segments, choices};
use crate::state::AppState;

const PATH: &str = "/promotions";
/// Ids that would name another page of the console rather than the promotion's.
const RESERVED_IDS: [&str; 2] = ["new", "preview"];

/// Now in the chain's time, as promotions' windows are written.
fn chain_now() -> NaiveDateTime {
    crate::chain_time::local(Utc::now())
}

/// The defined RFM segments (code, zh-CN name, English name) the form offers.
type Segments = [(String, String, String)];

/// The promotion's form with its example basket: editors save or try it; everyone else
/// sees it read-only and may only try it. `editing` is the stored id, `None` for new.
fn form(
    lang: Lang,
    signed: &Signed,
    draft: &Draft,
    editing: Option<&str>,
    basket: &Basket,
    problem: Option<&str>,
    segments: &Segments,
) -> Markup {
    let editable = signed.user.may_edit_catalog();
    let save_to = match editing {
        None => "/promotions/new".to_owned(),
        Some(id) => format!("{PATH}/{}", url_part(id)),
    };
    let action = if editable {
        save_to.clone()
    } else {
        "/promotions/preview".to_owned()
    };
    let text = |name: &'static str| {
        let locked = !editable || (name == "id" && editing.is_some());
        html! {
            label { (lang.t(&format!("promotions.{name}"))) " "
                @if locked { input name=(name) value=(draft.get(name)) readonly; }
                @else { input name=(name) value=(draft.get(name)); }
            }
        }
    };
    let choice = |name: &'static str, options: &[(&str, String)]| {
        html! {
            label { (lang.t(&format!("promotions.{name}"))) " "
                select name=(name) disabled[!editable] {
                    @for (value, label) in options {
                        option value=(value) selected[draft.get(name) == *value] { (label) }
                    }
                }
                @if !editable { input type="hidden" name=(name) value=(draft.get(name)); }
            }
        }
    };
    let yes_no = [
        ("true", lang.t("promotions.yes")),
        ("false", lang.t("promotions.no")),
    ];
    let kinds: Vec<(&str, String)> = KINDS
        .iter()
        .map(|k| (*k, lang.t(&format!("promotions.kind_{k}"))))
        .collect();
    let targets: Vec<(&str, String)> = ["all", "sku", "category"]
        .iter()
        .map(|t| (*t, lang.t(&format!("promotions.target_{t}"))))
        .collect();
    let mut segment_choices: Vec<(&str, String)> = vec![("", lang.t("promotions.segment_all"))];
    for (code, zh, en) in segments {
        let name = if lang == Lang::ZhCn { zh } else { en };
        segment_choices.push((code.as_str(), format!("{name} ({code})")));
    }
    // A code not (or no longer) defined stays visible as it was posted or stored.
    let chosen = draft.get(SEGMENT);
    if !segment_choices.iter().any(|(code, _)| *code == chosen) {
        segment_choices.push((chosen, chosen.to_owned()));
    }
    let tiers: Vec<(&str, String)> = pos_domain::member::Tier::ALL
        .iter()
        .map(|t| (t.code(), lang.t(&format!("promotions.tier_{}", t.code()))))
        .collect();
    html! {
        @if let Some(problem) = problem {
            p.problem role="alert" { (problem) }
        }
        form method="post" action=(action) {
            input type="hidden" name="csrf" value=(signed.csrf);
            input type="hidden" name="editing" value=(editing.unwrap_or(""));
            fieldset {
                legend { (lang.t("promotions.promotion")) }
                (text("id")) (text("name")) (text("priority"))
                (choice("stackable", &yes_no))
                (text("valid_from")) (text("valid_to"))
                p { (lang.t("promotions.dates_hint")) }
                (choice(SEGMENT, &segment_choices))
            }
            fieldset {
                legend { (lang.t("promotions.rule")) }
                (choice("kind", &kinds))
                p { (lang.t("promotions.rule_hint")) }
                (choice("target_by", &targets)) (text("target_value"))
                (text("percent")) (text("amount"))
                (text("threshold")) (text("save")) (choice("repeat", &yes_no))
                (text("sku")) (text("buy")) (text("get"))
                (choice("tier", &tiers)) (text("price"))
                (text("multiplier"))
            }
            (basket.inputs(lang))
            @if editable {
                button type="submit" { (lang.t("promotions.submit")) }
                " "
                button type="submit" formaction="/promotions/preview" { (lang.t("preview.try")) }
            } @else {
                button type="submit" { (lang.t("preview.try")) }
            }
        }
        @if let (true, Some(id)) = (editable, editing) {
            form.inline method="post" action={ (PATH) "/" (url_part(id)) "/end" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                button type="submit" { (lang.t("promotions.end")) }
            }
            " "
            form.inline method="post" action={ (PATH) "/" (url_part(id)) "/delete" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                button type="submit" { (lang.t("promotions.delete")) }
            }
        }
    }
}

fn form_page(
    lang: Lang,
    signed: &Signed,
    title: &str,
    status: StatusCode,
    body: Markup,
) -> Response {
    (
        status,
        Html(page(lang, Some(signed), title, PATH, body).into_string()),
    )
        .into_response()
}

fn not_found(lang: Lang, signed: &Signed) -> Response {
    problem_page(StatusCode::NOT_FOUND, lang, Some(signed), "error.not_found")
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    let found = async {
        let client = state.pool.get().await?;
        let found = promotion(&**client, &id).await?;
        Ok::<_, DbError>((found, choices(&**client).await?))
    }
    .await;
    match found {
        Ok((Some(p), segments)) => {
            let status_line = html! {
                p id="status" { (lang.t(status(&p, chain_now()))) }
            };
            let body = html! {
                (status_line)
                (form(lang, &signed, &Draft::of(&p), Some(&p.id), &Basket::default(), None, &segments))
            };
            form_page(lang, &signed, &p.name, StatusCode::OK, body)
        }
        Ok((None, _)) => not_found(lang, &signed),
        Err(e) => page_error(e),
    }
}

/// The segments the form offers, read from head office's definitions.
async fn segments_of(state: &AppState) -> Result<Vec<(String, String, String)>, DbError> {
    let client = state.pool.get().await?;
    choices(&**client).await
}

pub async fn new_form(State(state): State<AppState>, lang: Lang, signed: Signed) -> Response {
    if !signed.user.may_edit_catalog() {
        return forbidden(lang, &signed);
    }
    let segments = match segments_of(&state).await {
        Ok(segments) => segments,
        Err(e) => return page_error(e),
    };
    let body = form(
        lang,
        &signed,
        &Draft::blank(),
        None,
        &Basket::default(),
        None,
        &segments,
    );
    form_page(
        lang,
        &signed,
        &lang.t("promotions.new"),
        StatusCode::OK,
        body,
    )
}

/// The posted form's CSRF token.
fn csrf_of(posted: &[(String, String)]) -> &str {
    posted
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str())
}

pub async fn create(
    state: State<AppState>,
    lang: Lang,
    signed: Signed,
    Form(posted): Form<Vec<(String, String)>>,
) -> Response {
    submit(state, lang, signed, None, posted).await
}

pub async fn update(
    state: State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<String>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Response {
    submit(state, lang, signed, Some(id), posted).await
}

/// Why a save did not happen, for the form.
enum Refused {
    Invalid(String),
    UnknownSku(String),
    UnknownSegment(String),
    Reserved,
    Exists,
    Gone,
}

async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    id: Option<String>,
    posted: Vec<(String, String)>,
) -> Response {
    if !signed.csrf_matches(csrf_of(&posted)) {
        return csrf_refused(lang, &signed);
    }
    if !signed.user.may_edit_catalog() {
        return forbidden(lang, &signed);
    }
    let mut draft = Draft::from_posted(&posted);
    if let Some(id) = &id {
        // The id is the path's: a form cannot move a promotion to another key.
        draft.set("id", id);
    }
    let outcome = match draft.read() {
        Err(e) => Ok(Err(Refused::Invalid(e.to_string()))),
        Ok(p) => save(&state, &signed, &p, id.is_none()).await,
    };
    let problem = match outcome {
        Ok(Ok(saved)) => {
            return (
                StatusCode::SEE_OTHER,
                [(LOCATION, format!("{PATH}?saved={}", url_part(&saved)))],
            )
                .into_response();
        }
        Ok(Err(Refused::Invalid(why))) => lang.tf("promotions.invalid", &[("why", &why)]),
        Ok(Err(Refused::UnknownSku(sku))) => lang.tf("promotions.unknown_sku", &[("sku", &sku)]),
        Ok(Err(Refused::UnknownSegment(code))) => {
            lang.tf("promotions.unknown_segment", &[("segment", &code)])
        }
        Ok(Err(Refused::Reserved)) => lang.tf("promotions.reserved", &[("id", draft.get("id"))]),
        Ok(Err(Refused::Exists)) => lang.tf("promotions.exists", &[("id", draft.get("id"))]),
        Ok(Err(Refused::Gone)) => return not_found(lang, &signed),
        Err(e) => return page_error(e),
    };
    let basket = Basket::from_posted(&posted);
    let segments = match segments_of(&state).await {
        Ok(segments) => segments,
        Err(e) => return page_error(e),
    };
    let body = form(
        lang,
        &signed,
        &draft,
        id.as_deref(),
        &basket,
        Some(&problem),
        &segments,
    );
    let title = lang.t(if id.is_none() {
        "promotions.new"
    } else {
        "promotions.title"
    });
    form_page(lang, &signed, &title, StatusCode::BAD_REQUEST, body)
}

/// Saves in one transaction with its audit entry; the id saved.
async fn save(
    state: &AppState,
    signed: &Signed,
    p: &Promotion,
    is_new: bool,
) -> Result<Result<String, Refused>, DbError> {
    if is_new && RESERVED_IDS.contains(&p.id.as_str()) {
        return Ok(Err(Refused::Reserved));
    }
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    for sku in named_skus(p) {
        if product(&*tx, sku).await?.is_none() {
            return Ok(Err(Refused::UnknownSku(sku.to_owned())));
        }
    }
    if let Err(unknown) = check_segments(&*tx, std::slice::from_ref(p)).await? {
        return Ok(Err(Refused::UnknownSegment(unknown.segment)));
    }
    // A create inserts only where no row is (a create committed meanwhile included); an
    // edit locks the row first, so two edits take turns and a deletion waits.
    let (action, before) = if is_new {
        if !add_promotion(&tx, p).await? {
            return Ok(Err(Refused::Exists));
        }
        ("promotion.create", None)
    } else {
        let Some(before) = promotion_for_update(&tx, &p.id).await? else {
            return Ok(Err(Refused::Gone));
        };
        save_promotion(&tx, p).await?;
        ("promotion.update", Some(before))
    };
    if before.as_ref() != Some(p) {
        audit::record(
            &*tx,
            Utc::now(),
            &signed.user.name,
            action,
            &p.id,
            before.map(|b| json!(b)),
            Some(json!(p)),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(p.id.clone()))
}

/// Tries the posted promotion (saved or not) on the posted basket. Changes nothing, so
/// every role may; the form comes back with the two pricings under it.
pub async fn preview(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Form(posted): Form<Vec<(String, String)>>,
) -> Response {
    if !signed.csrf_matches(csrf_of(&posted)) {
        return csrf_refused(lang, &signed);
    }
    let draft = Draft::from_posted(&posted);
    let basket = Basket::from_posted(&posted);
    let editing = posted
        .iter()
        .find(|(k, _)| k == "editing")
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty());
    let priced = match draft.read() {
        Err(e) => Ok(Err(
            lang.tf("promotions.invalid", &[("why", &e.to_string())])
        )),
        Ok(p) => match state.pool.get().await {
            Ok(client) => preview::price_basket(&**client, lang, &p, &basket).await,
            Err(e) => Err(e.into()),
        },
    };
    let (status, problem, result) = match priced {
        Ok(Ok(priced)) => (StatusCode::OK, None, Some(priced)),
        Ok(Err(why)) => (StatusCode::BAD_REQUEST, Some(why), None),
        Err(e) => return page_error(e),
    };
    let segments = match segments_of(&state).await {
        Ok(segments) => segments,
        Err(e) => return page_error(e),
    };
    let body = html! {
        (form(lang, &signed, &draft, editing, &basket, problem.as_deref(), &segments))
        @if let Some(priced) = &result { (preview::render(lang, priced)) }
    };
    let title = lang.t("preview.title");
    form_page(lang, &signed, &title, status, body)
}

/// Ends a promotion now (its end becomes this moment, chain time): the tills stop
/// applying it once they pull, and it stays listed as ended.
pub async fn end(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    if !signed.user.may_edit_catalog() {
        return forbidden(lang, &signed);
    }
    let ended = end_now(&state, &signed, &id).await;
    match ended {
        Ok(Some(Ok(()))) => (
            StatusCode::SEE_OTHER,
            [(LOCATION, format!("{PATH}?ended={}", url_part(&id)))],
        )
            .into_response(),
        Ok(Some(Err(why))) => {
            let text = lang.tf("promotions.invalid", &[("why", &why)]);
            let body = html! { p.problem role="alert" { (text) } };
            form_page(
                lang,
                &signed,
                &lang.t("promotions.title"),
                StatusCode::BAD_REQUEST,
                body,
            )
        }
        Ok(None) => not_found(lang, &signed),
        Err(e) => page_error(e),
    }
}

/// Ends the promotion `id` in one transaction with its audit entry: `None` when there
/// is no such promotion, `Some(Err(reason))` when the file's reader refuses the end.
async fn end_now(
    state: &AppState,
    signed: &Signed,
    id: &str,
) -> Result<Option<Result<(), String>>, DbError> {
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    // Locked: the end is put on the promotion as it is now, after any edit in flight.
    let Some(before) = promotion_for_update(&tx, id).await? else {
        return Ok(None);
    };
    let now = chain_now();
    if before.valid_to.is_some_and(|to| to <= now) {
        // Already over: ending it again would move its end later.
        return Ok(Some(Ok(())));
    }
    let mut draft = Draft::of(&before);
    draft.set("valid_to", &now.format("%Y-%m-%dT%H:%M:%S").to_string());
    // Through the file's reader again: a rule not started yet cannot end before it
    // starts, and says so.
    let after = match draft.read() {
        Ok(after) => after,
        Err(e) => return Ok(Some(Err(e.to_string()))),
    };
    save_promotion(&tx, &after).await?;
    audit::record(
        &*tx,
        Utc::now(),
        &signed.user.name,
        "promotion.end",
        id,
        Some(json!(before)),
        Some(json!(after)),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(Ok(())))
}

/// Deletes a promotion: the tills drop it on their next pull; sales keep its name.
pub async fn delete(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    if !signed.user.may_edit_catalog() {
        return forbidden(lang, &signed);
    }
    let removed = async {
        let mut client = state.pool.get().await?;
        let tx = client.transaction().await?;
        let removed = remove_promotion(&tx, &id).await?;
        if let Some(before) = &removed {
            audit::record(
                &*tx,
                Utc::now(),
                &signed.user.name,
                "promotion.delete",
                &id,
                Some(json!(before)),
                None,
            )
            .await?;
            tx.commit().await?;
        }
        Ok::<_, DbError>(removed.is_some())
    }
    .await;
    match removed {
        Ok(true) => (
            StatusCode::SEE_OTHER,
            [(LOCATION, format!("{PATH}?deleted={}", url_part(&id)))],
        )
            .into_response(),
        Ok(false) => not_found(lang, &signed),
        Err(e) => page_error(e),
    }
}
