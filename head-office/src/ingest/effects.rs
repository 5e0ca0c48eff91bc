//! What newly accepted documents do to members, points, stock and serials. Pure: the
//! caller loads what is needed, these functions decide, the caller writes. What each
//! document moves is pos-domain's `effects_of`, the function the till applies too; here
//! it is resolved against head office's members and summed over the batch.

use std::collections::{BTreeMap, HashMap};

use pos_domain::document::{Document, DocumentBody, Sale, SaleMember};
use pos_domain::effects::{DocumentEffects, PointMove, PointReason, effects_of};
use pos_domain::member_code::is_provisional_code;
use uuid::Uuid;

use super::fault::Fault;

/// Sales a void may name, by document id: from the database or from the same batch.
pub type SaleMap = HashMap<Uuid, KnownSale>;

#[derive(Debug, Clone)]
pub struct KnownSale {
    pub sequence: u64,
    pub sale: Sale,
}

/// A member head office does not have yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMember {
    pub id: String,
    /// The till's card, or head office's own when the till's belongs to another member
    /// (see [`CardClash`]; the caller issues it).
    pub card_no: String,
    /// `None` for a member first seen on a sale rather than through a registration.
    pub phone: Option<String>,
    pub name: String,
    pub registered_document_id: Option<Uuid>,
}

/// A till's member id merged into an existing member with the same phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAlias {
    pub alias_id: String,
    pub member_id: String,
    pub card_no: String,
    pub document_id: Uuid,
}

/// A new member whose till-issued card already belongs to another member (two stores'
/// tills can issue the same number): the member is stored with a card head office
/// issues, and the feed sends it to the tills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardClash {
    /// Index into [`MemberPlan::new_members`].
    pub new_member: usize,
    pub till_card_no: String,
    pub holder_id: String,
    pub document_id: Uuid,
}

/// A till's provisional card joined to the member head office keeps it under: a new
/// member's (who gets head office's code) or a registration's merged by phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinedCard {
    pub card_no: String,
    pub member_id: String,
    /// The registration that brought it (`None`: the member was first seen on a sale).
    pub document_id: Option<Uuid>,
}

/// What is already stored about the members a batch touches.
#[derive(Debug, Default)]
pub struct MemberLookups {
    /// Existing member id by phone, for the phones registered in the batch.
    pub by_phone: HashMap<String, String>,
    /// Canonical member id by alias id, for the member ids the batch names.
    pub aliases: HashMap<String, String>,
    /// Member ids that exist, among those the batch names.
    pub existing: std::collections::HashSet<String>,
    /// Holder by card number, for the cards the batch names.
    pub cards: HashMap<String, String>,
}

#[derive(Debug, Default)]
pub struct MemberPlan {
    pub new_members: Vec<NewMember>,
    pub aliases: Vec<NewAlias>,
    /// The till's member id -> head office's member id, for every id the batch names.
    pub resolved: HashMap<String, String>,
    /// New members that need a card of head office's own.
    pub clashes: Vec<CardClash>,
    /// New members (indexes into `new_members`) whose till gave a provisional card that
    /// no one else holds: they get head office's code and the card is joined to them.
    pub provisional: Vec<usize>,
    /// Provisional cards of registrations merged by phone, joined to the member.
    pub joined: Vec<JoinedCard>,
}

impl MemberPlan {
    /// Adds a new member; a card another member holds makes a clash to reconcile.
    fn add(&mut self, member: NewMember, document_id: Uuid, cards: &mut HashMap<String, String>) {
        match cards.get(&member.card_no) {
            Some(holder) if *holder != member.id => self.clashes.push(CardClash {
                new_member: self.new_members.len(),
                till_card_no: member.card_no.clone(),
                holder_id: holder.clone(),
                document_id,
            }),
            _ => {
                cards.insert(member.card_no.clone(), member.id.clone());
            }
        }
        self.new_members.push(member);
    }
}

/// Registrations in order: a phone already known makes an alias, otherwise a new
/// member. Any other member id the documents name resolves through the aliases; an
/// id nobody knows becomes a member with that id (its registration went elsewhere).
/// A new member whose card another member holds is a [`CardClash`]: the document is
/// still accepted (a sale is never lost over a card number).
pub fn plan_members(
    accepted: &[&Document],
    sales: &SaleMap,
    lookups: &MemberLookups,
) -> MemberPlan {
    let mut plan = MemberPlan::default();
    let mut by_phone = lookups.by_phone.clone();
    let mut cards = lookups.cards.clone();
    for doc in accepted {
        if let DocumentBody::MemberRegistration(reg) = &doc.body {
            if lookups.existing.contains(&reg.member_id)
                || plan.resolved.contains_key(&reg.member_id)
            {
                continue;
            }
            match by_phone.get(&reg.phone) {
                Some(existing) => {
                    plan.aliases.push(NewAlias {
                        alias_id: reg.member_id.clone(),
                        member_id: existing.clone(),
                        card_no: reg.card_no.clone(),
                        document_id: doc.id,
                    });
                    plan.resolved
                        .insert(reg.member_id.clone(), existing.clone());
                }
                None => {
                    by_phone.insert(reg.phone.clone(), reg.member_id.clone());
                    let member = NewMember {
                        id: reg.member_id.clone(),
                        card_no: reg.card_no.clone(),
                        phone: Some(reg.phone.clone()),
                        name: reg.name.clone(),
                        registered_document_id: Some(doc.id),
                    };
                    plan.add(member, doc.id, &mut cards);
                    plan.resolved
                        .insert(reg.member_id.clone(), reg.member_id.clone());
                }
            }
        }
    }
    for (document_id, till_id, card_no) in referenced_members(accepted, sales) {
        if plan.resolved.contains_key(&till_id) {
            continue;
        }
        let canonical = match lookups.aliases.get(&till_id) {
            Some(canonical) => canonical.clone(),
            None => {
                if !lookups.existing.contains(&till_id) {
                    let member = NewMember {
                        id: till_id.clone(),
                        card_no,
                        phone: None,
                        name: String::new(),
                        registered_document_id: None,
                    };
                    plan.add(member, document_id, &mut cards);
                }
                till_id.clone()
            }
        };
        plan.resolved.insert(till_id, canonical);
    }
    let clashing: std::collections::HashSet<usize> =
        plan.clashes.iter().map(|c| c.new_member).collect();
    plan.provisional = (0..plan.new_members.len())
        .filter(|i| !clashing.contains(i) && is_provisional_code(&plan.new_members[*i].card_no))
        .collect();
    for alias in &plan.aliases {
        if is_provisional_code(&alias.card_no) && !cards.contains_key(&alias.card_no) {
            cards.insert(alias.card_no.clone(), alias.member_id.clone());
            plan.joined.push(JoinedCard {
                card_no: alias.card_no.clone(),
                member_id: alias.member_id.clone(),
                document_id: Some(alias.document_id),
            });
        }
    }
    plan
}

/// Member ids (with a card number) that documents charge points to, in order, with
/// the document that names them.
pub fn referenced_members(accepted: &[&Document], sales: &SaleMap) -> Vec<(Uuid, String, String)> {
    accepted
        .iter()
        .filter_map(|doc| {
            let from = |m: &SaleMember| (doc.id, m.member_id.clone(), m.card_no.clone());
            match &doc.body {
                DocumentBody::Sale(s) => s.member.as_ref().map(from),
                DocumentBody::Return(r) => r.member.as_ref().map(from),
                DocumentBody::Void(v) => sales
                    .get(&v.sale_id)
                    .and_then(|k| k.sale.member.as_ref())
                    .map(from),
                DocumentBody::PointAdjustment(a) => {
                    Some((doc.id, a.member_id.clone(), a.member_id.clone()))
                }
                _ => None,
            }
        })
        .collect()
}

/// Card numbers new members of the batch may take: registrations' and those the
/// documents name.
pub fn named_cards(accepted: &[&Document], sales: &SaleMap) -> Vec<String> {
    let mut cards: Vec<String> = referenced_members(accepted, sales)
        .into_iter()
        .map(|(_, _, card)| card)
        .collect();
    cards.extend(accepted.iter().filter_map(|doc| match &doc.body {
        DocumentBody::MemberRegistration(r) => Some(r.card_no.clone()),
        _ => None,
    }));
    cards.sort();
    cards.dedup();
    cards
}

/// Member ids registrations in the batch use, and the phones they register.
pub fn registrations(accepted: &[&Document]) -> (Vec<String>, Vec<String>) {
    accepted
        .iter()
        .filter_map(|doc| match &doc.body {
            DocumentBody::MemberRegistration(r) => Some((r.member_id.clone(), r.phone.clone())),
            _ => None,
        })
        .unzip()
}

/// One row of the point ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub document_id: Uuid,
    /// "earn", "redeem", "reverse_earn", "refund_redeem", "void_earn", "void_redeem", "adjust".
    pub entry: &'static str,
    pub member_id: String,
    pub till_member_id: String,
    pub points: i64,
    pub balance_after: i64,
    /// Who recorded the document (its operator).
    pub operator_id: String,
    /// Why ([`super::ledger_reason::ledger_reason`]).
    pub reason: String,
}

/// A redemption that took a balance below zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overdraft {
    pub document_id: Uuid,
    pub member_id: String,
    pub points_redeemed: i64,
    pub balance_before: i64,
    pub balance_after: i64,
}

#[derive(Debug, Default)]
pub struct PointsPlan {
    pub entries: Vec<LedgerEntry>,
    /// New balance of every member whose points changed.
    pub balances: BTreeMap<String, i64>,
    pub overdrafts: Vec<Overdraft>,
}

/// The effects of each accepted document, as the domain defines them for the till and
/// head office alike, worked out once per batch for the points and the stock plans. A
/// void's effects are its sale's, reversed.
pub fn document_effects<'a>(
    accepted: &[&'a Document],
    sales: &SaleMap,
) -> Result<Vec<(&'a Document, DocumentEffects)>, Fault> {
    accepted
        .iter()
        .map(|doc| {
            let voided = match &doc.body {
                DocumentBody::Void(v) => sales.get(&v.sale_id).map(|k| &k.sale),
                _ => None,
            };
            effects_of(doc, voided)
                .map(|fx| (*doc, fx))
                .map_err(|e| Fault::document(doc.id, e.to_string()))
        })
        .collect()
}

/// Applies each document's point moves in order to `balances` (current balances of
/// every resolved member). A redemption is always recorded; one that overdraws is also
/// flagged. A balance that would pass the largest number head office stores fails the
/// document that moves it, never wraps.
pub fn plan_points(
    effects: &[(&Document, DocumentEffects)],
    resolved: &HashMap<String, String>,
    balances: &HashMap<String, i64>,
) -> Result<PointsPlan, Fault> {
    let mut plan = PointsPlan::default();
    let mut current = balances.clone();
    for (doc, fx) in effects {
        for &PointMove {
            member_id: ref till_member_id,
            points,
            reason,
        } in &fx.points
        {
            let Some(member_id) = resolved.get(till_member_id) else {
                continue;
            };
            let balance = current.entry(member_id.clone()).or_insert(0);
            let before = *balance;
            *balance = before.checked_add(points).ok_or_else(|| {
                Fault::document(
                    doc.id,
                    format!(
                        "points: member {member_id}'s balance {before} and {points} add up past the largest balance head office stores"
                    ),
                )
            })?;
            if reason == PointReason::Redeem && *balance < 0 {
                plan.overdrafts.push(Overdraft {
                    document_id: doc.id,
                    member_id: member_id.clone(),
                    // `points` is a negated redemption, so it negates back.
                    points_redeemed: points.saturating_neg(),
                    balance_before: before,
                    balance_after: *balance,
                });
            }
            plan.entries.push(LedgerEntry {
                document_id: doc.id,
                entry: reason.as_str(),
                member_id: member_id.clone(),
                till_member_id: till_member_id.clone(),
                points,
                balance_after: *balance,
                operator_id: doc.operator_id.clone(),
                reason: super::ledger_reason::ledger_reason(doc, reason),
            });
            plan.balances.insert(member_id.clone(), *balance);
        }
    }
    Ok(plan)
}

/// Stock key: (store_id, sku, lot_no), with '' for no lot.
pub type StockKey = (String, String, String);

/// A serial-tracked unit's new row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialRow {
    pub store_id: String,
    pub lot_no: Option<String>,
    pub available: bool,
}

#[derive(Debug, Default)]
pub struct StockPlan {
    /// Quantity change per key; zero sums are dropped.
    pub deltas: BTreeMap<StockKey, i64>,
    /// Final state per (sku, serial) after the batch, in key order.
    pub serials: BTreeMap<(String, String), SerialRow>,
}

/// The stock and serial moves of the batch, summed per store, SKU and lot.
pub fn plan_stock(effects: &[(&Document, DocumentEffects)]) -> Result<StockPlan, Fault> {
    let mut plan = StockPlan::default();
    for (doc, fx) in effects {
        for m in &fx.stock {
            let delta = plan
                .deltas
                .entry((
                    m.store_id.clone(),
                    m.sku.clone(),
                    m.lot_no.clone().unwrap_or_default(),
                ))
                .or_insert(0);
            *delta = delta.checked_add(m.quantity).ok_or_else(|| {
                Fault::document(
                    doc.id,
                    format!(
                        "quantity of {} adds up past the largest stock head office stores",
                        m.sku
                    ),
                )
            })?;
        }
        for m in &fx.serials {
            plan.serials.insert(
                (m.sku.clone(), m.serial.clone()),
                SerialRow {
                    store_id: m.store_id.clone(),
                    lot_no: m.lot_no.clone(),
                    available: m.state.in_stock(),
                },
            );
        }
    }
    plan.deltas.retain(|_, delta| *delta != 0);
    Ok(plan)
}

#[cfg(test)]
#[path = "effects_tests.rs"]
mod tests;
