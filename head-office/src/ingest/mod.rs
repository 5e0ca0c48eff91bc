//! Ingest of a batch of documents from one terminal (`POST /v1/batches`).
//!
//! 1. Screen (pure): each document must be within bounds and add up
//!    ([`validate_document`]); an id twice in the batch is answered like its first copy
//!    (rejected if its content differs), a sequence twice is rejected.
//! 2. In one transaction, holding the terminal's row lock: insert every candidate with
//!    `ON CONFLICT DO NOTHING`. The database decides what is new; what it skipped is a
//!    duplicate (same id, same content hash) or rejected (same id with other content,
//!    sequence, voided sale or the day's Z report taken by another id).
//! 3. Apply the effects of the new documents only (members, points, stock, serials,
//!    gaps, a goods receipt's shortages and excesses) and publish the changes to the
//!    feed. A count posts against head office's stock as of its moment ([`counts`]).
//!    A sale to an organisation whose licence head office finds invalid is flagged
//!    ([`organisation_checks`]), and so is a member redeeming too often in a day
//!    ([`velocity`]).
//!    A resend inserts nothing, so it has no effect; a rejected document is never
//!    stored, so it has none either.
//! 4. After the transaction, in a statement of its own: the rejections are kept for the
//!    console (id, kind, sequence, reason, tries) and earlier ones of documents now
//!    delivered are resolved ([`rejections`]). A failure there is only logged.
//!
//! A deadlock or a race on a unique key between terminals retries the transaction. If
//! the database refuses the batch's data (a value it cannot store, a sum past its
//! range), the candidates are stored one document per transaction, so the one it
//! refuses is rejected with the cause and the others are stored.

mod counts;
mod discrepancies;
mod effects;
mod fault;
mod gaps;
pub mod ledger_reason;
mod lots;
pub mod organisation_checks;
mod point_checks;
pub mod point_lots;
pub mod rejections;
mod serials;
mod store;
mod tiers;
pub mod transfers;
mod velocity;

use std::collections::{HashMap, HashSet};

use pos_domain::document::{Document, DocumentBody};
use pos_domain::effects::DocumentEffects;
use pos_domain::protocol::{BatchRequest, BatchResponse, Change, DocumentResult, DocumentStatus};
use pos_domain::validate::validate_document;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::aggregates;
use crate::error::DbError;
use crate::feed::{self, FeedEntry};
use crate::stock_history;
use effects::{KnownSale, SaleMap};
use fault::Fault;
pub(crate) use store::{load_members, member_from_row};

/// Attempts of a batch's transaction when it loses a race with another one.
const ATTEMPTS_MAX: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    /// Passed the screen; the database decides.
    Candidate,
    /// Stored now; the note says what head office reconciled (a card it issued).
    Accepted(Option<String>),
    Duplicate,
    /// The same content as the document at this index, earlier in the batch: answered
    /// as that one is once it is decided.
    Copy(usize),
    Rejected(String),
}

/// Ingests a batch whose store and terminal the caller has already checked against the
/// token. Answers one result per document, in the batch's order.
pub async fn ingest_batch(
    client: &mut impl GenericClient,
    batch: &BatchRequest,
) -> Result<BatchResponse, DbError> {
    let (store_id, terminal_id) = (batch.store_id.as_str(), batch.terminal_id.as_str());
    let docs = &batch.documents;
    let screened = screen(store_id, terminal_id, docs);
    let verdicts = match apply_with_retries(client, store_id, terminal_id, docs, &screened).await {
        Ok(verdicts) => verdicts,
        Err(e) if e.is_document_fault() => {
            tracing::warn!(store = store_id, terminal = terminal_id, error = %e, "the database refused the batch; storing its documents one at a time");
            one_at_a_time(client, batch, screened).await?
        }
        Err(e) => return Err(e.into_db()),
    };
    let response = answer(docs, verdicts);
    rejections::record(client, store_id, terminal_id, docs, &response).await;
    Ok(response)
}

async fn apply_with_retries(
    client: &mut impl GenericClient,
    store_id: &str,
    terminal_id: &str,
    docs: &[Document],
    screened: &[Verdict],
) -> Result<Vec<Verdict>, Fault> {
    let mut attempt = 1;
    loop {
        match apply(client, store_id, terminal_id, docs, screened.to_vec()).await {
            Err(e) if e.is_retryable() && attempt < ATTEMPTS_MAX => {
                tracing::warn!(attempt, error = %e, "batch lost a race; retrying");
                attempt += 1;
            }
            result => return result,
        }
    }
}

/// Each candidate in its own transaction, in the batch's order: the document the
/// database refuses is rejected with the cause, the others are stored with their
/// effects. A failure that is no document's fault (the connection, a timeout) still
/// fails the request, so the till sends the batch again.
async fn one_at_a_time(
    client: &mut impl GenericClient,
    batch: &BatchRequest,
    mut verdicts: Vec<Verdict>,
) -> Result<Vec<Verdict>, DbError> {
    let (store_id, terminal_id) = (batch.store_id.as_str(), batch.terminal_id.as_str());
    for (doc, verdict) in batch.documents.iter().zip(verdicts.iter_mut()) {
        if *verdict != Verdict::Candidate {
            continue;
        }
        let single = std::slice::from_ref(doc);
        *verdict = match apply_with_retries(
            client,
            store_id,
            terminal_id,
            single,
            &[Verdict::Candidate],
        )
        .await
        {
            Ok(mut decided) => decided.pop().unwrap_or(Verdict::Candidate),
            Err(e) if e.is_document_fault() => {
                tracing::error!(store = store_id, terminal = terminal_id, document = %doc.id, sequence = doc.sequence, error = %e, "the database refused a document; rejected");
                Verdict::Rejected(e.reason())
            }
            Err(e) => return Err(e.into_db()),
        };
    }
    Ok(verdicts)
}

/// The checks that need no database.
/// What can be decided without the database: copies within the batch, validity, a
/// document of another store or terminal than the batch's (its effects would land on
/// the wrong store), a sequence given twice.
fn screen(store_id: &str, terminal_id: &str, docs: &[Document]) -> Vec<Verdict> {
    let mut first_by_id: HashMap<Uuid, usize> = HashMap::new();
    let mut sequences: HashSet<u64> = HashSet::new();
    let mut verdicts: Vec<Verdict> = Vec::with_capacity(docs.len());
    for (i, doc) in docs.iter().enumerate() {
        let verdict = if let Some(&first) = first_by_id.get(&doc.id) {
            if docs[first].content_hash() != doc.content_hash() {
                resent_with_other_content(doc)
            } else {
                Verdict::Copy(first)
            }
        } else if let Err(invalid) = validate_document(doc) {
            Verdict::Rejected(format!("is not valid: {invalid}"))
        } else if doc.store_id != store_id || doc.terminal_id != terminal_id {
            Verdict::Rejected(format!(
                "belongs to terminal {}/{}, not to the batch's {store_id}/{terminal_id}",
                doc.store_id, doc.terminal_id
            ))
        } else if !sequences.insert(doc.sequence) {
            Verdict::Rejected(format!(
                "sequence {} appears twice in the batch",
                doc.sequence
            ))
        } else {
            Verdict::Candidate
        };
        first_by_id.entry(doc.id).or_insert(i);
        verdicts.push(verdict);
    }
    verdicts
}

/// One result per document, in order. A copy is answered as its first: a duplicate
/// when that was stored (now or before), the same rejection when it was refused.
fn answer(docs: &[Document], verdicts: Vec<Verdict>) -> BatchResponse {
    let decided = |v: &Verdict| -> (DocumentStatus, Option<String>) {
        match v {
            Verdict::Accepted(note) => (DocumentStatus::Accepted, note.clone()),
            Verdict::Duplicate => (DocumentStatus::Duplicate, None),
            Verdict::Rejected(reason) => (DocumentStatus::Rejected, Some(reason.clone())),
            // Never left undecided; if it were, the till keeps the document.
            Verdict::Candidate | Verdict::Copy(_) => (
                DocumentStatus::Rejected,
                Some("head office did not decide on this document; send it again".into()),
            ),
        }
    };
    let results = docs
        .iter()
        .zip(&verdicts)
        .map(|(doc, verdict)| {
            let (status, reason) = match verdict {
                Verdict::Copy(first) => match decided(&verdicts[*first]) {
                    (DocumentStatus::Rejected, reason) => (DocumentStatus::Rejected, reason),
                    _ => (DocumentStatus::Duplicate, None),
                },
                v => decided(v),
            };
            DocumentResult {
                id: doc.id,
                sequence: doc.sequence,
                status,
                reason,
            }
        })
        .collect();
    BatchResponse { results }
}

async fn apply(
    client: &mut impl GenericClient,
    store_id: &str,
    terminal_id: &str,
    docs: &[Document],
    mut verdicts: Vec<Verdict>,
) -> Result<Vec<Verdict>, Fault> {
    let tx = client.transaction().await?;
    let last_sequence = store::lock_terminal(&tx, store_id, terminal_id).await?;

    let sales = check_voids(&tx, store_id, docs, &mut verdicts).await?;
    serials::check(&tx, store_id, docs, &mut verdicts).await?;
    transfers::check(&tx, docs, &mut verdicts).await?;
    let candidates: Vec<&Document> = docs
        .iter()
        .zip(&verdicts)
        .filter(|(_, v)| **v == Verdict::Candidate)
        .map(|(d, _)| d)
        .collect();
    let inserted = store::insert_documents(&tx, &candidates).await?;
    let skipped: Vec<&Document> = candidates
        .iter()
        .copied()
        .filter(|d| !inserted.contains(&d.id))
        .collect();
    let found = if skipped.is_empty() {
        store::Conflicts::default()
    } else {
        store::conflicts(&tx, store_id, terminal_id, &skipped).await?
    };
    let mut accepted: Vec<&Document> = candidates
        .into_iter()
        .filter(|d| inserted.contains(&d.id))
        .collect();
    accepted.sort_by_key(|d| d.sequence);

    let mut effects = effects::document_effects(&accepted, &sales)?;
    counts::settle(&tx, store_id, &mut effects).await?;
    let (mut feed_entries, notes, created) =
        apply_members_and_points(&tx, store_id, terminal_id, &accepted, &sales, &effects).await?;
    feed_entries.extend(apply_stock(&tx, &effects).await?);
    feed_entries.extend(lots::learn(&tx, &accepted).await?);
    discrepancies::record(&tx, &discrepancies::of(&accepted)).await?;
    organisation_checks::check(&tx, store_id, terminal_id, &accepted).await?;
    aggregates::enqueue(&tx, &tallied(&accepted)).await?;
    feed_entries.extend(transfers::record(&tx, &accepted).await?);
    let open = store::open_gaps(&tx, store_id, terminal_id).await?;
    let arrived: Vec<u64> = accepted.iter().map(|d| d.sequence).collect();
    let gap_changes = gaps::track(last_sequence, &open, &arrived);
    store::write_gaps(&tx, store_id, terminal_id, &gap_changes).await?;
    feed::publish(&tx, feed_entries).await?;
    crate::integrations::ingest_events::enqueue(&tx, &accepted, &created).await?;
    tx.commit().await?;

    for (doc, verdict) in docs.iter().zip(verdicts.iter_mut()) {
        if *verdict != Verdict::Candidate {
            continue;
        }
        *verdict = if inserted.contains(&doc.id) {
            Verdict::Accepted(notes.get(&doc.id).cloned())
        } else {
            explain_skip(doc, &found)
        };
    }
    Ok(verdicts)
}

/// The accepted documents folding adds up: sales, returns and voids for the figures,
/// and those that move lots and serials for the trace.
fn tallied(accepted: &[&Document]) -> Vec<Uuid> {
    accepted
        .iter()
        .filter(|d| aggregates::FOLDED_KINDS.contains(&d.body.kind()))
        .map(|d| d.id)
        .collect()
}

/// A void must name a sale of the same store that head office has (or that comes
/// earlier in the batch), with the sequence it says. Returns those sales.
async fn check_voids(
    tx: &tokio_postgres::Transaction<'_>,
    store_id: &str,
    docs: &[Document],
    verdicts: &mut [Verdict],
) -> Result<SaleMap, DbError> {
    let voided: Vec<Uuid> = docs
        .iter()
        .filter_map(|d| match &d.body {
            DocumentBody::Void(v) => Some(v.sale_id),
            _ => None,
        })
        .collect();
    if voided.is_empty() {
        return Ok(SaleMap::new());
    }
    let mut sales = store::load_sales(tx, store_id, &voided).await?;
    for (doc, verdict) in docs.iter().zip(verdicts.iter_mut()) {
        match (&doc.body, &*verdict) {
            (DocumentBody::Sale(sale), Verdict::Candidate) if voided.contains(&doc.id) => {
                sales.entry(doc.id).or_insert_with(|| KnownSale {
                    sequence: doc.sequence,
                    sale: sale.clone(),
                });
            }
            (DocumentBody::Void(void), Verdict::Candidate) => match sales.get(&void.sale_id) {
                None => {
                    *verdict = Verdict::Rejected(format!(
                        "voided sale {} is not known to head office (send the sale first)",
                        void.sale_id
                    ));
                }
                Some(known) if known.sequence != void.sale_sequence => {
                    *verdict = Verdict::Rejected(format!(
                        "voided sale {} has sequence {}, not {}",
                        void.sale_id, known.sequence, void.sale_sequence
                    ));
                }
                Some(_) => {}
            },
            _ => {}
        }
    }
    Ok(sales)
}

/// An id head office already has, with other content: answering "duplicate" would let
/// the till drop a document head office never stored, so it is rejected and stays at the
/// till, visible to the manager. Head office keeps only the copy it received first.
fn resent_with_other_content(doc: &Document) -> Verdict {
    tracing::warn!(document = %doc.id, sequence = doc.sequence, "document id resent with other content; rejected");
    Verdict::Rejected(format!(
        "document {} was already received with different content; head office keeps only the copy it received first and did not store this one. \
         A manager should compare this copy with head office's and record any difference as a new document (a return, a void or a point adjustment)",
        doc.id
    ))
}

/// Why the database skipped a candidate.
fn explain_skip(doc: &Document, found: &store::Conflicts) -> Verdict {
    if let Some(stored_hash) = found.ids.get(&doc.id) {
        return if *stored_hash == doc.content_hash() {
            Verdict::Duplicate
        } else {
            resent_with_other_content(doc)
        };
    }
    if let Some(other) = found.sequences.get(&doc.sequence) {
        return Verdict::Rejected(format!(
            "sequence {} already belongs to document {other}",
            doc.sequence
        ));
    }
    if let DocumentBody::Void(v) = &doc.body
        && let Some(other) = found.voided.get(&v.sale_id)
    {
        return Verdict::Rejected(format!(
            "sale {} was already voided by document {other}",
            v.sale_id
        ));
    }
    if let DocumentBody::ZReport(_) = &doc.body
        && let Some((other, z_no)) = found.z_reports.get(&doc.business_date)
    {
        return Verdict::Rejected(format!(
            "business date {} of terminal {}/{} is already closed by Z report {other} (z_no {z_no}); head office takes one Z report per terminal and day",
            doc.business_date, doc.store_id, doc.terminal_id
        ));
    }
    Verdict::Rejected("conflicts with a document head office already has".into())
}

/// Notes for accepted documents, by document id: what head office reconciled.
type Notes = HashMap<Uuid, String>;

/// Applies the batch's members and points: returns the tills' feed entries, the notes
/// for the answer, and the ids of the members the batch added (for their events).
async fn apply_members_and_points(
    tx: &tokio_postgres::Transaction<'_>,
    store_id: &str,
    terminal_id: &str,
    accepted: &[&Document],
    sales: &SaleMap,
    effects: &[(&Document, DocumentEffects)],
) -> Result<(Vec<FeedEntry>, Notes, Vec<String>), Fault> {
    let (registered_ids, phones) = effects::registrations(accepted);
    let mut named: Vec<String> = effects::referenced_members(accepted, sales)
        .into_iter()
        .map(|(_, id, _)| id)
        .collect();
    named.extend(registered_ids);
    if named.is_empty() {
        return Ok((Vec::new(), Notes::new(), Vec::new()));
    }
    let cards = effects::named_cards(accepted, sales);
    let lookups = store::member_lookups(tx, &phones, &named, &cards).await?;
    let mut members = effects::plan_members(accepted, sales, &lookups);
    let notes = reissue_clashing_cards(tx, &mut members).await?;
    let joined = give_codes(tx, &mut members).await?;
    store::insert_members(tx, &members.new_members).await?;
    store::record_card_clashes(tx, &members.clashes, &members.new_members).await?;
    store::insert_aliases(tx, &members.aliases).await?;
    store::join_cards(tx, &joined).await?;

    let mut canonical: Vec<String> = members.resolved.values().cloned().collect();
    canonical.sort();
    canonical.dedup();
    let locked = store::lock_members(tx, &canonical).await?;
    // Read once per batch: the points' life here, the tiers by spend below.
    let rules = store::loyalty_rules(tx).await?;
    let points = effects::plan_points(effects, &members.resolved, &locked.balances)?;
    store::write_points(tx, store_id, &points.entries, &points.balances).await?;
    add_point_lots(tx, accepted, &points.entries, rules.points_expiry_years).await?;
    store::flag_overdrafts(tx, store_id, terminal_id, &points.overdrafts).await?;
    velocity::check(
        tx,
        store_id,
        &velocity::redemptions(accepted, &points.entries),
    )
    .await?;
    let (resolved, tiers) = (&members.resolved, &locked.tiers);
    point_checks::check(tx, store_id, terminal_id, accepted, resolved, tiers).await?;
    let raised = tiers::raise(tx, accepted, sales, (resolved, tiers), &rules.tiers).await?;
    for o in &points.overdrafts {
        tracing::warn!(document = %o.document_id, member = %o.member_id, balance_after = o.balance_after, "redemption overdrew a member; flagged for review");
    }

    let mut changed: Vec<String> = points.balances.keys().cloned().collect();
    changed.extend(members.new_members.iter().map(|m| m.id.clone()));
    // Every member a document names: its spend in the tier window changed, which the
    // tills show (a sale earning no points changes no balance).
    changed.extend(canonical);
    changed.extend(raised);
    changed.sort();
    changed.dedup();
    let loaded = store::load_members(tx, &changed).await?;
    let balances: Vec<(String, i64)> = loaded
        .iter()
        .map(|m| (m.id.clone(), m.points_balance))
        .collect();
    let mut entries: Vec<FeedEntry> = loaded
        .into_iter()
        .map(|m| FeedEntry::chain(Change::Member(m)))
        .collect();
    entries.extend(point_lots::expiring_changes(tx, &balances).await?);
    entries.extend(members.aliases.iter().map(|a| {
        FeedEntry::chain(Change::MemberAlias {
            alias_id: a.alias_id.clone(),
            member_id: a.member_id.clone(),
        })
    }));
    entries.extend(joined.into_iter().map(|j| {
        FeedEntry::chain(Change::MemberCard {
            card_no: j.card_no,
            member_id: j.member_id,
        })
    }));
    let created = members.new_members.iter().map(|m| m.id.clone()).collect();
    Ok((entries, notes, created))
}

/// Puts the points the entries earn into their members' lots, when points expire.
async fn add_point_lots(
    tx: &tokio_postgres::Transaction<'_>,
    accepted: &[&Document],
    entries: &[effects::LedgerEntry],
    years: u32,
) -> Result<(), Fault> {
    if years == 0 || !entries.iter().any(|e| e.points > 0) {
        return Ok(());
    }
    let earned = entries
        .iter()
        .map(|e| (e.document_id, e.member_id.clone(), e.points));
    point_lots::add_lots(tx, &point_lots::earned_lots(years, accepted, earned)).await?;
    Ok(())
}

/// Gives each new member registered with a till's provisional card head office's own
/// code; the provisional card stays joined to the member. Returns every card to join
/// (these and the merged registrations').
async fn give_codes(
    tx: &tokio_postgres::Transaction<'_>,
    members: &mut effects::MemberPlan,
) -> Result<Vec<effects::JoinedCard>, DbError> {
    let mut joined = std::mem::take(&mut members.joined);
    let codes = store::issue_cards(tx, members.provisional.len()).await?;
    for (&i, code) in members.provisional.iter().zip(codes) {
        let member = &mut members.new_members[i];
        let provisional = std::mem::replace(&mut member.card_no, code);
        joined.push(effects::JoinedCard {
            card_no: provisional,
            member_id: member.id.clone(),
            document_id: member.registered_document_id,
        });
    }
    Ok(joined)
}

/// Gives each new member whose till card another member holds a card of head
/// office's own, and says so in the answer to the document that brought the member.
async fn reissue_clashing_cards(
    tx: &tokio_postgres::Transaction<'_>,
    members: &mut effects::MemberPlan,
) -> Result<Notes, DbError> {
    let mut notes = Notes::new();
    if members.clashes.is_empty() {
        return Ok(notes);
    }
    let cards = store::issue_cards(tx, members.clashes.len()).await?;
    for (clash, card) in members.clashes.iter().zip(cards) {
        let member = &mut members.new_members[clash.new_member];
        tracing::warn!(document = %clash.document_id, member = %member.id, till_card = %clash.till_card_no, holder = %clash.holder_id, card = %card, "card already held by another member; head office issued its own");
        let note = format!(
            "accepted; card {} already belongs to member {}, so head office gave member {} card {card} (every till receives it with its next pull)",
            clash.till_card_no, clash.holder_id, member.id
        );
        notes
            .entry(clash.document_id)
            .and_modify(|n| n.push_str(&format!("; {note}")))
            .or_insert(note);
        member.card_no = card;
    }
    Ok(notes)
}

async fn apply_stock(
    tx: &tokio_postgres::Transaction<'_>,
    effects: &[(&Document, DocumentEffects)],
) -> Result<Vec<FeedEntry>, Fault> {
    let plan = effects::plan_stock(effects)?;
    // The first document that moves stock starts the store's history, before the stock
    // rows are touched (the order the catalog import takes too).
    if let Some((doc, _)) = effects
        .iter()
        .find(|(_, fx)| !fx.stock.is_empty() || !fx.serials.is_empty())
    {
        stock_history::note_document(tx, &doc.store_id, doc.body.kind(), doc.id).await?;
    }
    let stock = store::apply_stock(tx, &plan.deltas).await?;
    store::apply_serials(tx, &plan.serials).await?;
    let mut entries: Vec<FeedEntry> = stock
        .into_iter()
        .map(|(store_id, sku, lot, quantity)| {
            let lot_no = (!lot.is_empty()).then_some(lot);
            FeedEntry::store(
                &store_id,
                Change::Stock {
                    sku,
                    lot_no,
                    quantity,
                },
            )
        })
        .collect();
    entries.extend(plan.serials.into_iter().map(|((sku, serial), row)| {
        FeedEntry::store(
            &row.store_id,
            Change::Serial {
                sku,
                serial,
                lot_no: row.lot_no,
                available: row.available,
            },
        )
    }));
    Ok(entries)
}
