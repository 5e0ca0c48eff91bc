//! Organisations (机构客户) as head office keeps them: name, 统一社会信用代码, kind,
//! departments, contacts and qualifications (migration 25). Every change publishes the
//! organisation to the feed as the tills need it ([`for_tills`]: no contacts).
//! Checks of what a person typed live here too, each naming the field it refuses.

use chrono::NaiveDate;
use pos_domain::organisation::{
    Organisation, OrganisationKind, QualificationKind, QualificationValidity, is_valid_credit_code,
};
use pos_domain::protocol::Change;
use serde::Serialize;
use tokio_postgres::{GenericClient, Transaction};

use crate::error::DbError;
use crate::feed::{self, FeedEntry};

/// Names, numbers and departments: at most this many characters (what a till's
/// document may carry, `pos_domain::validate::bounds::TEXT_CHARS_MAX`).
pub const TEXT_CHARS_MAX: usize = 200;
/// Departments one organisation may have.
pub const DEPARTMENTS_MAX: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub id: i64,
    pub name: String,
    /// Personal data: shown masked to everyone but admins, never sent to tills.
    pub phone: String,
    pub department: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Qualification {
    pub kind: QualificationKind,
    pub number: String,
    /// Last valid day; `None`: 长期.
    pub valid_until: Option<NaiveDate>,
}

/// One organisation with everything head office holds about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganisationRecord {
    pub id: String,
    pub name: String,
    pub credit_code: String,
    pub kind: OrganisationKind,
    pub departments: Vec<String>,
    pub contacts: Vec<Contact>,
    pub qualifications: Vec<Qualification>,
}

/// What the organisation form holds, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganisationInput {
    pub name: String,
    pub credit_code: String,
    pub kind: OrganisationKind,
    pub departments: Vec<String>,
}

/// A typed value refused, naming its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct InputError {
    pub field: &'static str,
    pub reason: &'static str,
}

fn refuse<T>(field: &'static str, reason: &'static str) -> Result<T, InputError> {
    Err(InputError { field, reason })
}

/// A required text of at most [`TEXT_CHARS_MAX`] characters, without control characters.
fn required_text(field: &'static str, text: &str) -> Result<String, InputError> {
    let text = text.trim();
    if text.is_empty() {
        return refuse(field, "required");
    }
    if text.chars().count() > TEXT_CHARS_MAX {
        return refuse(field, "too long");
    }
    if text.chars().any(char::is_control) {
        return refuse(field, "control characters");
    }
    Ok(text.to_owned())
}

/// Checks the form: `departments` one per line (blank lines and repeats dropped).
pub fn check_input(
    name: &str,
    credit_code: &str,
    kind: &str,
    departments: &str,
) -> Result<OrganisationInput, InputError> {
    let name = required_text("name", name)?;
    let credit_code = credit_code.trim().to_uppercase();
    if !is_valid_credit_code(&credit_code) {
        return refuse("credit_code", "not a valid 统一社会信用代码");
    }
    let Some(kind) = OrganisationKind::from_code(kind.trim()) else {
        return refuse("kind", "unknown kind");
    };
    let mut list: Vec<String> = Vec::new();
    for line in departments.lines().filter(|l| !l.trim().is_empty()) {
        let department = required_text("departments", line)?;
        if !list.contains(&department) {
            list.push(department);
        }
    }
    if list.len() > DEPARTMENTS_MAX {
        return refuse("departments", "too many");
    }
    Ok(OrganisationInput {
        name,
        credit_code,
        kind,
        departments: list,
    })
}

/// Checks a qualification: a known kind, a number, a date (`YYYY-MM-DD`) or blank (长期).
pub fn check_qualification(
    kind: &str,
    number: &str,
    valid_until: &str,
) -> Result<Qualification, InputError> {
    let Some(kind) = QualificationKind::from_code(kind.trim()) else {
        return refuse("kind", "unknown kind");
    };
    let number = required_text("number", number)?;
    let valid_until = match valid_until.trim() {
        "" => None,
        text => match text.parse::<NaiveDate>() {
            Ok(d) => Some(d),
            Err(_) => return refuse("valid_until", "not a date (YYYY-MM-DD)"),
        },
    };
    Ok(Qualification {
        kind,
        number,
        valid_until,
    })
}

/// Checks a contact: a name, a phone of digits (with spaces, dashes or a leading +).
pub fn check_contact(
    name: &str,
    phone: &str,
    department: &str,
) -> Result<(String, String, Option<String>), InputError> {
    let name = required_text("contact_name", name)?;
    let phone = phone.trim();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let well_formed = phone
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '-' || (i == 0 && c == '+'));
    if !(6..=20).contains(&digits) || !well_formed {
        return refuse("contact_phone", "not a phone number");
    }
    let department = match department.trim() {
        "" => None,
        d => Some(required_text("contact_department", d)?),
    };
    Ok((name, phone.to_owned(), department))
}

/// What a till needs of an organisation: no contacts, no numbers.
pub fn for_tills(o: &OrganisationRecord) -> Organisation {
    Organisation {
        id: o.id.clone(),
        name: o.name.clone(),
        code: o.credit_code.clone(),
        kind: o.kind,
        departments: o.departments.clone(),
        qualifications: o
            .qualifications
            .iter()
            .map(|q| QualificationValidity {
                kind: q.kind,
                valid_until: q.valid_until,
            })
            .collect(),
    }
}

fn kind_of(code: &str) -> Result<OrganisationKind, DbError> {
    OrganisationKind::from_code(code).ok_or_else(|| DbError::Corrupt(format!("kind {code:?}")))
}

/// The organisation `id`, whole.
pub async fn load(
    client: &impl GenericClient,
    id: &str,
) -> Result<Option<OrganisationRecord>, DbError> {
    let Some(row) = client
        .query_opt(
            "SELECT id, name, credit_code, kind, departments FROM organisations WHERE id = $1",
            &[&id],
        )
        .await?
    else {
        return Ok(None);
    };
    let contacts = client
        .query(
            "SELECT id, name, phone, department FROM organisation_contacts
             WHERE organisation_id = $1 ORDER BY id",
            &[&id],
        )
        .await?
        .iter()
        .map(|r| Contact {
            id: r.get(0),
            name: r.get(1),
            phone: r.get(2),
            department: r.get(3),
        })
        .collect();
    Ok(Some(OrganisationRecord {
        id: row.get(0),
        name: row.get(1),
        credit_code: row.get(2),
        kind: kind_of(row.get(3))?,
        departments: row.get(4),
        contacts,
        qualifications: qualifications_of(client, &[id])
            .await?
            .remove(id)
            .unwrap_or_default(),
    }))
}

/// The qualifications of `ids`, by organisation, in kind order.
pub async fn qualifications_of(
    client: &impl GenericClient,
    ids: &[&str],
) -> Result<std::collections::HashMap<String, Vec<Qualification>>, DbError> {
    let mut found: std::collections::HashMap<String, Vec<Qualification>> = Default::default();
    for r in client
        .query(
            "SELECT organisation_id, kind, number, valid_until FROM organisation_qualifications
             WHERE organisation_id = ANY($1) ORDER BY organisation_id, kind",
            &[&ids],
        )
        .await?
    {
        let kind: &str = r.get(1);
        let kind = QualificationKind::from_code(kind)
            .ok_or_else(|| DbError::Corrupt(format!("qualification kind {kind:?}")))?;
        found.entry(r.get(0)).or_default().push(Qualification {
            kind,
            number: r.get(2),
            valid_until: r.get(3),
        });
    }
    Ok(found)
}

/// A line of the list: id, name, code, kind, and the 医疗器械经营许可证's last day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub id: String,
    pub name: String,
    pub credit_code: String,
    pub kind: OrganisationKind,
    pub licence_until: Option<Option<NaiveDate>>,
}

/// Organisations whose name, code or id contains `text` (every one when empty), by
/// name, at most `limit`.
pub async fn search(
    client: &impl GenericClient,
    text: &str,
    limit: i64,
) -> Result<Vec<Listed>, DbError> {
    let pattern = format!(
        "%{}%",
        text.trim()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let rows = client
        .query(
            "SELECT o.id, o.name, o.credit_code, o.kind, q.organisation_id IS NOT NULL, q.valid_until
             FROM organisations o
             LEFT JOIN organisation_qualifications q
               ON q.organisation_id = o.id AND q.kind = 'device_licence'
             WHERE o.name ILIKE $1 OR o.credit_code ILIKE $1 OR o.id ILIKE $1
             ORDER BY o.name, o.id LIMIT $2",
            &[&pattern, &limit],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let has_licence: bool = r.get(4);
            Ok(Listed {
                id: r.get(0),
                name: r.get(1),
                credit_code: r.get(2),
                kind: kind_of(r.get(3))?,
                licence_until: has_licence.then(|| r.get(5)),
            })
        })
        .collect()
}

/// The organisations that `ids` merged into (`organisation_aliases`), by alias: a
/// sale a till wrote with a merged id means the survivor.
pub async fn survivors_of(
    client: &impl GenericClient,
    ids: &[&str],
) -> Result<std::collections::HashMap<String, String>, DbError> {
    Ok(client
        .query(
            "SELECT alias_id, organisation_id FROM organisation_aliases WHERE alias_id = ANY($1)",
            &[&ids],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

/// Is the 统一社会信用代码 taken by another organisation than `except`?
pub async fn code_taken(
    client: &impl GenericClient,
    credit_code: &str,
    except: Option<&str>,
) -> Result<bool, DbError> {
    Ok(client
        .query_opt(
            "SELECT 1 FROM organisations WHERE credit_code = $1 AND ($2::text IS NULL OR id <> $2)",
            &[&credit_code, &except],
        )
        .await?
        .is_some())
}

/// Creates an organisation; its new id (ORG000001, ...).
pub async fn create(tx: &Transaction<'_>, input: &OrganisationInput) -> Result<String, DbError> {
    let row = tx
        .query_one(
            "INSERT INTO organisations (id, name, credit_code, kind, departments)
             VALUES ('ORG' || lpad(nextval('organisation_no')::text, 6, '0'), $1, $2, $3, $4)
             RETURNING id",
            &[
                &input.name,
                &input.credit_code,
                &input.kind.code(),
                &input.departments,
            ],
        )
        .await?;
    let id: String = row.get(0);
    publish(tx, &id).await?;
    Ok(id)
}

/// Replaces the organisation's name, code, kind and departments; false when it has no row.
pub async fn update(
    tx: &Transaction<'_>,
    id: &str,
    input: &OrganisationInput,
) -> Result<bool, DbError> {
    let n = tx
        .execute(
            "UPDATE organisations SET name = $2, credit_code = $3, kind = $4, departments = $5,
                 updated_at = now() WHERE id = $1",
            &[
                &id,
                &input.name,
                &input.credit_code,
                &input.kind.code(),
                &input.departments,
            ],
        )
        .await?;
    if n == 1 {
        publish(tx, id).await?;
    }
    Ok(n == 1)
}

/// Sets (adds or replaces) the organisation's qualification of that kind.
pub async fn set_qualification(
    tx: &Transaction<'_>,
    id: &str,
    q: &Qualification,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO organisation_qualifications (organisation_id, kind, number, valid_until)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (organisation_id, kind) DO UPDATE
             SET number = excluded.number, valid_until = excluded.valid_until",
        &[&id, &q.kind.code(), &q.number, &q.valid_until],
    )
    .await?;
    publish(tx, id).await
}

/// Removes the organisation's qualification of `kind`; false when it had none.
pub async fn remove_qualification(
    tx: &Transaction<'_>,
    id: &str,
    kind: QualificationKind,
) -> Result<bool, DbError> {
    let n = tx
        .execute(
            "DELETE FROM organisation_qualifications WHERE organisation_id = $1 AND kind = $2",
            &[&id, &kind.code()],
        )
        .await?;
    if n == 1 {
        publish(tx, id).await?;
    }
    Ok(n == 1)
}

/// Adds a contact; its id. Tills never see contacts, so nothing is published.
pub async fn add_contact(
    client: &impl GenericClient,
    id: &str,
    (name, phone, department): &(String, String, Option<String>),
) -> Result<i64, DbError> {
    let row = client
        .query_one(
            "INSERT INTO organisation_contacts (organisation_id, name, phone, department)
             VALUES ($1, $2, $3, $4) RETURNING id",
            &[&id, name, phone, department],
        )
        .await?;
    Ok(row.get(0))
}

/// Removes a contact of the organisation; the removed contact, if it was there.
pub async fn remove_contact(
    client: &impl GenericClient,
    id: &str,
    contact: i64,
) -> Result<Option<Contact>, DbError> {
    Ok(client
        .query_opt(
            "DELETE FROM organisation_contacts WHERE organisation_id = $1 AND id = $2
             RETURNING id, name, phone, department",
            &[&id, &contact],
        )
        .await?
        .map(|r| Contact {
            id: r.get(0),
            name: r.get(1),
            phone: r.get(2),
            department: r.get(3),
        }))
}

/// Sends the organisation to every till as it stands in this transaction.
pub(crate) async fn publish(tx: &Transaction<'_>, id: &str) -> Result<(), DbError> {
    let record = load(tx, id)
        .await?
        .ok_or_else(|| DbError::Corrupt(format!("organisation {id} vanished")))?;
    let change = Change::Organisation(for_tills(&record));
    feed::publish(tx, vec![FeedEntry::chain(change)]).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_names_its_field() {
        let ok = check_input(
            " 仁和诊所 ",
            "91350100m000100y43",
            "clinic",
            "内科\n\n内科\n 外科 ",
        )
        .expect("valid");
        assert_eq!(ok.credit_code, "91350100M000100Y43");
        assert_eq!(ok.departments, ["内科", "外科"]);
        let field = |r: Result<OrganisationInput, InputError>| r.unwrap_err().field;
        assert_eq!(
            field(check_input("", "91350100M000100Y43", "clinic", "")),
            "name"
        );
        assert_eq!(
            field(check_input("A", "91350100M000100Y44", "clinic", "")),
            "credit_code"
        );
        assert_eq!(
            field(check_input("A", "91350100M000100Y43", "zoo", "")),
            "kind"
        );
        assert_eq!(
            check_qualification("device_licence", "沪123", "2026-13-01")
                .unwrap_err()
                .field,
            "valid_until"
        );
        assert_eq!(
            check_qualification("device_licence", "沪123", "")
                .unwrap()
                .valid_until,
            None
        );
        assert_eq!(
            check_contact("李", "12ab", "").unwrap_err().field,
            "contact_phone"
        );
        assert!(check_contact("李", "+86 138-1234-5678", "").is_ok());
    }
}
