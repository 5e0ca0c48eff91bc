//! The wire types the till's agent and head office speak (JSON over HTTPS).
//!
//! - `POST /v1/batches` takes a [`BatchRequest`] (optionally `Content-Encoding: gzip`)
//!   and answers a [`BatchResponse`], one [`DocumentResult`] per document, in order.
//! - `GET /v1/feed?cursor=C&limit=N` answers a [`FeedPage`] of [`FeedChange`]s for the
//!   calling terminal's store, in cursor order, starting after `C`; the agent says its
//!   backlog in [`PENDING_HEADER`].
//! - `GET /v1/gaps` answers [`GapsResponse`]: sequence gaps head office saw per terminal.
//! - `GET /v1/stores/{store}/closes?business_date=D` answers [`DailyClose`].
//! - Every error (4xx and 5xx) carries an [`ApiError`].
//!
//! Every request carries `Authorization: Bearer <token>`; the token belongs to one
//! store and terminal (`head-office enroll`). Fields may be added later with serde
//! defaults; none is ever renamed. Change kinds may be added too: an older till reads
//! one it does not know as [`Change::Unknown`] and skips it.

use crate::catalog::{Lot, Product};
use crate::document::{Document, TenderTotal};
use crate::member::{LoyaltyRules, Member};
use crate::organisation::Organisation;
use crate::promotion::Promotion;
use crate::transfer_order::TransferOrder;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Most documents one batch may hold.
pub const BATCH_DOCUMENTS_MAX: usize = 500;
/// Most bytes a batch's JSON may take before compression.
pub const BATCH_BYTES_MAX: usize = 4 * 1024 * 1024;
/// Most changes one feed page holds; head office refuses a larger `limit` (400).
pub const FEED_LIMIT_MAX: u32 = 5_000;
/// Feed page size when the request names none.
pub const FEED_LIMIT_DEFAULT: u32 = 1_000;
/// Header of `GET /v1/feed` in which the till's agent says how many documents it holds
/// that head office has not accepted (waiting to be sent, or rejected and kept): its
/// backlog, shown on head office's console. A decimal count; optional.
pub const PENDING_HEADER: &str = "pending-documents";
/// Largest count [`PENDING_HEADER`] may say (far past any till); more is refused (400).
pub const PENDING_MAX: u64 = 1_000_000_000;

/// `POST /v1/batches`: documents of one terminal, in sequence order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    pub store_id: String,
    pub terminal_id: String,
    pub documents: Vec<Document>,
}

/// The answer to a batch: one result per document, in the order sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResponse {
    pub results: Vec<DocumentResult>,
}

/// What head office did with one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentResult {
    pub id: Uuid,
    pub sequence: u64,
    pub status: DocumentStatus,
    /// Why a document was rejected. On an accepted one, a note when head office changed
    /// something on the way in (a member given head office's own card because the
    /// till's was taken); `None` otherwise.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    /// Stored now, with all its effects.
    Accepted,
    /// Head office already had this id; nothing changed. The till treats it as accepted.
    Duplicate,
    /// Not stored; `reason` says why. The till keeps it and shows it to the manager.
    Rejected,
}

/// `GET /v1/feed`: one page of changes after the requested cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedPage {
    pub changes: Vec<FeedChange>,
    /// Where the next pull starts: the last change's cursor, or the requested cursor
    /// when the page is empty. The till stores it with the page, in one transaction.
    pub next_cursor: i64,
    /// True when more changes wait after this page.
    pub more: bool,
}

/// One change with its place in the feed: `{"cursor":..,"entity":..,"data":..}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedChange {
    pub cursor: i64,
    #[serde(flatten)]
    pub change: Change,
}

/// Reads the members in any order, like `#[serde(flatten)]` would, but without its
/// buffering when `cursor` comes first (as head office writes it): the rest of the
/// object is then read straight as a [`Change`]. A full feed is 868,067 changes.
impl<'de> Deserialize<'de> for FeedChange {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FeedChangeVisitor)
    }
}

struct FeedChangeVisitor;

impl<'de> serde::de::Visitor<'de> for FeedChangeVisitor {
    type Value = FeedChange;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a feed change: cursor, entity and data")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<FeedChange, A::Error> {
        use serde::de::Error;
        use serde_json::{Map, Value};
        let first: Option<String> = map.next_key()?;
        if first.as_deref() == Some("cursor") {
            let cursor = map.next_value()?;
            let change = Change::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
            return Ok(FeedChange { cursor, change });
        }
        let mut members = Map::new();
        if let Some(key) = first {
            members.insert(key, map.next_value()?);
        }
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            members.insert(key, value);
        }
        let cursor = members
            .remove("cursor")
            .ok_or_else(|| A::Error::missing_field("cursor"))?;
        Ok(FeedChange {
            cursor: i64::deserialize(cursor).map_err(A::Error::custom)?,
            change: Change::deserialize(Value::Object(members)).map_err(A::Error::custom)?,
        })
    }
}

/// What changed. A till applying a page replaces what it had for the same key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "entity", content = "data", rename_all = "snake_case")]
pub enum Change {
    Product(Product),
    ProductDeleted {
        sku: String,
    },
    Barcode {
        sku: String,
        barcode: String,
    },
    BarcodeDeleted {
        barcode: String,
    },
    Lot(Lot),
    /// A lot taken out of the catalog (head office removes only lots no stock holds).
    LotDeleted {
        sku: String,
        lot_no: String,
    },
    /// The calling store's stock as head office knows it (accepted documents applied).
    Stock {
        sku: String,
        lot_no: Option<String>,
        quantity: i64,
    },
    Serial {
        sku: String,
        serial: String,
        lot_no: Option<String>,
        available: bool,
    },
    /// Balance and tier as head office knows them. A member registered offline and
    /// merged into an existing one arrives under the existing id; see [`Change::MemberAlias`].
    Member(Member),
    /// The chain's key of members' phones ([`crate::member::phone_key`]): a till finds
    /// a member by the phone a customer says through it (older tills skip it).
    MemberLookupKey {
        key: String,
    },
    /// Member `member_id`'s personal data was erased on request: a till forgets the
    /// member and the till ids merged into it (`alias_ids`), and keeps no phone or name
    /// of theirs in any document (older tills skip it).
    MemberErased {
        member_id: String,
        alias_ids: Vec<String>,
    },
    /// The member id `alias_id` (a till's offline registration merged by phone, or a
    /// member merged into another) now means member `member_id`.
    MemberAlias {
        alias_id: String,
        member_id: String,
    },
    /// A code that finds member `member_id` besides its own card: a till's provisional
    /// code once head office gave its own, or the card of a member merged into this one
    /// ([`crate::member_code`]; older tills skip it).
    MemberCard {
        card_no: String,
        member_id: String,
    },
    /// Member `member_id`'s points still to lapse, soonest first ([`crate::points_expiry`]):
    /// the whole list, replacing the last one (older tills skip it).
    MemberPointsExpiring {
        member_id: String,
        expiring: Vec<crate::points_expiry::ExpiringPoints>,
    },
    Promotion(Promotion),
    PromotionDeleted {
        id: String,
    },
    LoyaltyRules(LoyaltyRules),
    /// A transfer order naming the calling store as sender or receiver, in its latest
    /// state (older tills skip it as [`Change::Unknown`]).
    TransferOrder(TransferOrder),
    /// An organisation (机构客户) a sale may name, with its departments and its
    /// qualifications' validity; never its contacts (older tills skip it).
    Organisation(Organisation),
    /// Organisation `merged_id` was the same customer as `survivor_id` and was merged
    /// into it at head office: a till forgets `merged_id` (the survivor comes as
    /// [`Change::Organisation`]). Sent under the merged organisation's key, so a till
    /// pulling from the start never receives the merged one (older tills skip it).
    OrganisationMerged {
        merged_id: String,
        survivor_id: String,
    },
    /// A kind of change added after this build: a till skips it (its cursor still moves
    /// past it), so a newer head office never stops an older till's pull. Only read,
    /// never written: head office never sends it.
    #[serde(other, skip_serializing, deserialize_with = "ignore_data")]
    Unknown,
}

/// Reads past the data of a change of unknown kind, whatever it holds.
fn ignore_data<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<(), D::Error> {
    serde::de::IgnoredAny::deserialize(deserializer).map(|_| ())
}

/// A run of missing sequence numbers of one terminal, `from..=to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceGap {
    pub store_id: String,
    pub terminal_id: String,
    pub from_sequence: u64,
    pub to_sequence: u64,
}

/// `GET /v1/gaps`: the calling store's gaps that are still open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapsResponse {
    pub gaps: Vec<SequenceGap>,
}

/// A transfer dispatched to the calling store and not received there yet: what its
/// receipt is checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomingTransfer {
    pub transfer_id: String,
    pub from_store: String,
    pub dispatched_on: NaiveDate,
    pub lines: Vec<crate::stock_document::StockLine>,
}

/// `GET /v1/transfers/incoming`: the calling store's transfers in transit to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomingTransfersResponse {
    pub transfers: Vec<IncomingTransfer>,
}

/// One terminal's Z report of a business date, as the store manager reviews it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TerminalClose {
    pub terminal_id: String,
    pub document_id: Uuid,
    pub z_no: u64,
    pub sales_count: u32,
    pub sales_total: Decimal,
    pub returns_count: u32,
    pub returns_total: Decimal,
    pub voids_count: u32,
    pub voids_total: Decimal,
    pub tenders: Vec<TenderTotal>,
    pub expected_cash: Decimal,
    pub counted_cash: Decimal,
    /// counted_cash - expected_cash.
    pub variance: Decimal,
}

/// `GET /v1/stores/{store}/closes?business_date=D`: every terminal's Z of the day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyClose {
    pub store_id: String,
    pub business_date: NaiveDate,
    pub terminals: Vec<TerminalClose>,
    /// Tender totals over all terminals, by kind.
    pub tenders: Vec<TenderTotal>,
    /// Sum of the terminals' variances.
    pub variance: Decimal,
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Stable code: "unauthorized" (401), "forbidden" (403), "body_too_large" and
    /// "too_many_documents" (413), "malformed" and "bad_request" (400),
    /// "unsupported_encoding" (415), "timeout" (408), "not_found" (404),
    /// "method_not_allowed" (405), "unavailable" (503, with Retry-After), "internal" (500).
    pub error: String,
    /// What is wrong, for a person.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_change_is_flat_with_entity_and_data() {
        let change = FeedChange {
            cursor: 7,
            change: Change::Stock {
                sku: "BP-1".into(),
                lot_no: None,
                quantity: 3,
            },
        };
        let json = serde_json::to_value(&change).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"cursor": 7, "entity": "stock", "data": {"sku": "BP-1", "lot_no": null, "quantity": 3}})
        );
        let back: FeedChange = serde_json::from_value(json).unwrap();
        assert_eq!(back, change);
    }

    #[test]
    fn a_feed_change_reads_in_any_member_order() {
        let expected = FeedChange {
            cursor: 7,
            change: Change::Barcode {
                sku: "BP-1".into(),
                barcode: "6901234567892".into(),
            },
        };
        let data = r#""data":{"sku":"BP-1","barcode":"6901234567892"}"#;
        for json in [
            format!(r#"{{"cursor":7,"entity":"barcode",{data}}}"#),
            format!(r#"{{"cursor":7,{data},"entity":"barcode"}}"#),
            format!(r#"{{"entity":"barcode",{data},"cursor":7}}"#),
            format!(r#"{{{data},"cursor":7,"entity":"barcode"}}"#),
            format!(r#"{{"cursor":7,"later":[1],"entity":"barcode",{data}}}"#),
            format!(r#"{{"later":{{"x":1}},"entity":"barcode","cursor":7,{data}}}"#),
        ] {
            let change: FeedChange = serde_json::from_str(&json).expect(&json);
            assert_eq!(change, expected, "{json}");
        }
        for bad in [
            r#"{"entity":"barcode","data":{"sku":"A","barcode":"1"}}"#,
            r#"{"cursor":7,"entity":"barcode"}"#,
            r#"{"cursor":"7","entity":"barcode","data":{"sku":"A","barcode":"1"}}"#,
            r#"[7]"#,
        ] {
            assert!(serde_json::from_str::<FeedChange>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_change_of_a_kind_added_later_reads_as_unknown() {
        for json in [
            r#"{"cursor":7,"entity":"spaceship","data":{"sku":"A","crew":[1,{"x":null}]}}"#,
            r#"{"cursor":7,"data":{"sku":"A"},"entity":"spaceship"}"#,
            r#"{"entity":"spaceship","cursor":7,"data":"text"}"#,
            r#"{"cursor":7,"entity":"spaceship","data":null}"#,
        ] {
            let change: FeedChange = serde_json::from_str(json).expect(json);
            assert_eq!(change.cursor, 7, "{json}");
            assert_eq!(change.change, Change::Unknown, "{json}");
        }
        assert!(
            serde_json::to_string(&Change::Unknown).is_err(),
            "head office never sends it"
        );
    }

    #[test]
    fn status_is_snake_case() {
        assert_eq!(
            serde_json::to_string(&DocumentStatus::Duplicate).unwrap(),
            "\"duplicate\""
        );
    }

    #[test]
    fn batch_request_refuses_unknown_fields() {
        let json = r#"{"store_id":"S1","terminal_id":"T1","documents":[],"extra":1}"#;
        assert!(serde_json::from_str::<BatchRequest>(json).is_err());
    }
}
