//! Members' personal data in the console: every page that shows a member's full phone
//! and name (admins only) logs the reading in the audit log first, naming the member and
//! the page, never the data; and an admin downloads everything head office holds about
//! a member as JSON when the member asks (logged as well).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::json;
use tokio_postgres::GenericClient;

use crate::console::audit;
use crate::console::i18n::Lang;
use crate::console::session::Signed;
use crate::console::users::{Role, User};
use crate::console::{forbidden, page_error, problem_page};
use crate::error::DbError;
use crate::member_data;
use crate::state::AppState;

/// Full phone numbers and names are for admins; everyone else sees them masked.
pub fn may_see_personal_data(user: &User) -> bool {
    user.role == Role::Admin
}

/// The audit action of a page showing a member's full phone and name.
pub const READ_ACTION: &str = "member.personal_data_read";
/// The audit action of a member's data downloaded.
pub const EXPORT_ACTION: &str = "member.personal_data_export";

/// Logs that `user` is shown the full personal data of `members` on `page`; nothing for
/// a person who sees them masked.
pub async fn log_read(
    client: &impl GenericClient,
    user: &User,
    page: &str,
    members: &[&str],
) -> Result<(), DbError> {
    if !may_see_personal_data(user) {
        return Ok(());
    }
    let mut logged: Vec<&str> = members.to_vec();
    logged.sort_unstable();
    logged.dedup();
    if logged.is_empty() {
        return Ok(());
    }
    // One statement for the page, however many members it shows (a recall list names
    // thousands).
    client
        .execute(
            "INSERT INTO audit_log (at, user_name, action, subject, before, after)
             SELECT $1, $2, $3, member, NULL, $5 FROM unnest($4::text[]) AS m (member)",
            &[
                &Utc::now(),
                &user.name,
                &READ_ACTION,
                &logged,
                &json!({ "page": page }),
            ],
        )
        .await?;
    Ok(())
}

/// `GET /members/{id}/personal-data`: the member's data as a JSON download, for admins.
pub async fn export(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    if !may_see_personal_data(&signed.user) {
        return forbidden(lang, &signed);
    }
    let found = async {
        let mut client = state.pool.get().await?;
        // One snapshot: the balance and the ledger agree.
        let tx = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .start()
            .await
            .map_err(DbError::from)?;
        let found = member_data::export(&*tx, &id, Utc::now()).await?;
        if found.is_some() {
            audit::record(
                &*tx,
                Utc::now(),
                &signed.user.name,
                EXPORT_ACTION,
                &id,
                None,
                None,
            )
            .await?;
        }
        tx.commit().await.map_err(DbError::from)?;
        Ok::<_, DbError>(found)
    }
    .await;
    match found {
        Ok(Some(data)) => {
            let body = match serde_json::to_vec_pretty(&data) {
                Ok(body) => body,
                Err(e) => return page_error(DbError::Corrupt(e.to_string())),
            };
            let file = format!("attachment; filename=\"member-{}.json\"", safe_name(&id));
            (
                StatusCode::OK,
                [
                    (CONTENT_TYPE, "application/json; charset=utf-8".to_owned()),
                    (CONTENT_DISPOSITION, file),
                ],
                body,
            )
                .into_response()
        }
        Ok(None) => problem_page(
            StatusCode::NOT_FOUND,
            lang,
            Some(&signed),
            "error.not_found",
        ),
        Err(e) => page_error(e),
    }
}

/// An id as a file name: letters, digits, dash and underscore kept.
fn safe_name(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
