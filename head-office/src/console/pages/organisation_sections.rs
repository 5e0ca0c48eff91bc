//! An organisation's page sections: its qualifications and contacts, with their forms
//! for those who may edit; the logged reading of contacts' phones; and what the
//! organisation pages share (the path, who edits, a refused field's text). Below both
//! `organisations` and `organisation_details`, so neither imports the other back.

use chrono::Utc;
use maud::{Markup, html};
use pos_domain::member::mask_phone;
use pos_domain::organisation::QualificationKind;
use serde_json::json;
use tokio_postgres::GenericClient;

use super::member_privacy::may_see_personal_data;
use crate::console::i18n::Lang;
use crate::console::session::Signed;
use crate::console::users::User;
use crate::console::{audit, url_part};
use crate::error::DbError;
use crate::organisations::{InputError, OrganisationRecord};

pub const PATH: &str = "/organisations";
/// Creating and editing organisations: admins and merchandisers (who keep the catalog).
pub fn may_edit_organisations(user: &User) -> bool {
    user.may_edit_catalog()
}

/// An input error in the person's language, naming the field.
pub fn input_problem(lang: Lang, e: &InputError) -> String {
    lang.tf(
        "organisations.invalid",
        &[
            ("field", &lang.t(&format!("organisations.{}", e.field))),
            ("why", e.reason),
        ],
    )
}

/// The audit action of a page showing an organisation's contacts' full phones.
pub const CONTACTS_READ_ACTION: &str = "organisation.contacts_read";

/// Logs that `user` is shown the full phones of `o`'s contacts; nothing for a person who
/// sees them masked, or when there are none.
pub async fn log_contacts_read(
    client: &impl GenericClient,
    user: &User,
    o: &OrganisationRecord,
) -> Result<(), DbError> {
    if !may_see_personal_data(user) || o.contacts.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = o.contacts.iter().map(|c| c.id).collect();
    audit::record(
        client,
        Utc::now(),
        &user.name,
        CONTACTS_READ_ACTION,
        &o.id,
        None,
        Some(json!({ "page": "/organisations/{id}", "contacts": ids })),
    )
    .await
}

pub fn qualifications_section(lang: Lang, signed: &Signed, o: &OrganisationRecord) -> Markup {
    let editable = may_edit_organisations(&signed.user);
    let base = format!("{PATH}/{}/qualifications", url_part(&o.id));
    html! {
        h2 { (lang.t("organisations.qualifications")) }
        table {
            tr {
                th { (lang.t("organisations.qualification_kind")) }
                th { (lang.t("organisations.number")) }
                th { (lang.t("organisations.valid_until")) }
                @if editable { th {} }
            }
            @for q in &o.qualifications {
                tr {
                    td { (lang.t(&format!("organisations.q_{}", q.kind.code()))) }
                    td { (q.number) }
                    td { @match q.valid_until {
                        Some(d) => (d),
                        None => (lang.t("organisations.no_end")),
                    } }
                    @if editable {
                        td { form.inline method="post" action={ (base) "/" (q.kind.code()) "/remove" } {
                            input type="hidden" name="csrf" value=(signed.csrf);
                            button type="submit" { (lang.t("organisations.remove")) }
                        } }
                    }
                }
            }
        }
        @if editable {
            form method="post" action=(base) {
                input type="hidden" name="csrf" value=(signed.csrf);
                label { (lang.t("organisations.qualification_kind")) " "
                    select name="kind" {
                        @for k in QualificationKind::ALL {
                            option value=(k.code()) { (lang.t(&format!("organisations.q_{}", k.code()))) }
                        }
                    }
                }
                label { (lang.t("organisations.number")) " " input name="number" required; }
                label { (lang.t("organisations.valid_until")) " " input type="date" name="valid_until"; }
                button type="submit" { (lang.t("organisations.set_qualification")) }
            }
        }
    }
}

pub fn contacts_section(lang: Lang, signed: &Signed, o: &OrganisationRecord) -> Markup {
    let editable = may_edit_organisations(&signed.user);
    let full = may_see_personal_data(&signed.user);
    let base = format!("{PATH}/{}/contacts", url_part(&o.id));
    html! {
        h2 { (lang.t("organisations.contacts")) }
        table {
            tr {
                th { (lang.t("organisations.contact_name")) }
                th { (lang.t("organisations.contact_phone")) }
                th { (lang.t("organisations.contact_department")) }
                @if editable { th {} }
            }
            @for c in &o.contacts {
                tr {
                    td { (c.name) }
                    td { @if full { (c.phone) } @else { (mask_phone(&c.phone)) } }
                    td { (c.department.clone().unwrap_or_default()) }
                    @if editable {
                        td { form.inline method="post" action={ (base) "/" (c.id) "/remove" } {
                            input type="hidden" name="csrf" value=(signed.csrf);
                            button type="submit" { (lang.t("organisations.remove")) }
                        } }
                    }
                }
            }
        }
        @if editable {
            form method="post" action=(base) {
                input type="hidden" name="csrf" value=(signed.csrf);
                label { (lang.t("organisations.contact_name")) " " input name="name" required; }
                label { (lang.t("organisations.contact_phone")) " " input name="phone" required; }
                label { (lang.t("organisations.contact_department")) " " input name="department"; }
                button type="submit" { (lang.t("organisations.add_contact")) }
            }
        }
    }
}
