//! Head office checks again every accepted sale that names an organisation: with its own
//! products' device classes and the organisation's qualifications as it holds them now,
//! on the sale's business date ([`check_device_sale`], the till's rule). A till offline
//! may have sold on stale data, or under its warning setting: the sale stays accepted
//! (a sale is never lost) and is flagged for a person (`organisation_sale_reviews`).

use std::collections::HashMap;

use pos_domain::catalog::DeviceClass;
use pos_domain::document::{Document, DocumentBody};
use pos_domain::organisation::{QualificationProblem, QualificationValidity, check_device_sale};
use tokio_postgres::GenericClient;
use tokio_postgres::types::Json;
use uuid::Uuid;

use crate::error::DbError;
use crate::organisations::{qualifications_of, survivors_of};

/// A sale to flag, and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub document_id: Uuid,
    pub organisation_id: String,
    pub problem: QualificationProblem,
    pub sold_under_warning: bool,
}

/// The pure part: the sales among `accepted` the rule refuses, given each SKU's device
/// class and each organisation's qualifications (an organisation head office does not
/// know has none).
pub fn flags(
    accepted: &[&Document],
    classes: &HashMap<String, DeviceClass>,
    qualifications: &HashMap<String, Vec<QualificationValidity>>,
) -> Vec<Flag> {
    let mut found = Vec::new();
    for doc in accepted {
        let DocumentBody::Sale(sale) = &doc.body else {
            continue;
        };
        let Some(organisation) = &sale.organisation else {
            continue;
        };
        let lines: Vec<Option<DeviceClass>> = sale
            .lines
            .iter()
            .map(|l| classes.get(&l.sku).copied())
            .collect();
        let held = qualifications
            .get(&organisation.organisation_id)
            .map_or(&[][..], Vec::as_slice);
        if let Err(problem) = check_device_sale(held, &lines, doc.business_date) {
            found.push(Flag {
                document_id: doc.id,
                organisation_id: organisation.organisation_id.clone(),
                problem,
                sold_under_warning: organisation.sold_under_warning.is_some(),
            });
        }
    }
    found
}

/// Flags the batch's sales to organisations that the rule refuses.
pub(super) async fn check(
    client: &impl GenericClient,
    store_id: &str,
    terminal_id: &str,
    accepted: &[&Document],
) -> Result<(), DbError> {
    let mut skus: Vec<&str> = Vec::new();
    let mut organisations: Vec<&str> = Vec::new();
    for doc in accepted {
        if let DocumentBody::Sale(sale) = &doc.body
            && let Some(o) = &sale.organisation
        {
            organisations.push(&o.organisation_id);
            skus.extend(sale.lines.iter().map(|l| l.sku.as_str()));
        }
    }
    if organisations.is_empty() {
        return Ok(());
    }
    let classes: HashMap<String, DeviceClass> = client
        .query(
            "SELECT sku, data->'device_class' FROM products
             WHERE sku = ANY($1) AND data->>'device_class' IS NOT NULL",
            &[&skus],
        )
        .await?
        .into_iter()
        .map(|r| (r.get::<_, String>(0), r.get::<_, Json<DeviceClass>>(1).0))
        .collect();
    // An id merged into another organisation means the survivor.
    let survivors = survivors_of(client, &organisations).await?;
    organisations.extend(survivors.values().map(String::as_str));
    let mut qualifications: HashMap<String, Vec<QualificationValidity>> =
        qualifications_of(client, &organisations)
            .await?
            .into_iter()
            .map(|(id, list)| {
                let validity = list
                    .into_iter()
                    .map(|q| QualificationValidity {
                        kind: q.kind,
                        valid_until: q.valid_until,
                    })
                    .collect();
                (id, validity)
            })
            .collect();
    for (alias, survivor) in &survivors {
        let held = qualifications.get(survivor).cloned().unwrap_or_default();
        qualifications.insert(alias.clone(), held);
    }
    let by_id: HashMap<Uuid, &Document> = accepted.iter().map(|d| (d.id, *d)).collect();
    for f in flags(accepted, &classes, &qualifications) {
        let business_date = by_id[&f.document_id].business_date;
        let organisation_id = survivors
            .get(&f.organisation_id)
            .unwrap_or(&f.organisation_id);
        client
            .execute(
                "INSERT INTO organisation_sale_reviews (document_id, organisation_id, store_id,
                     terminal_id, business_date, problem, sold_under_warning)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (document_id) DO NOTHING",
                &[
                    &f.document_id,
                    organisation_id,
                    &store_id,
                    &terminal_id,
                    &business_date,
                    &Json(&f.problem),
                    &f.sold_under_warning,
                ],
            )
            .await?;
        tracing::warn!(document = %f.document_id, organisation = %f.organisation_id, problem = %f.problem, "a class III sale to an organisation without a valid licence; flagged for review");
    }
    Ok(())
}
