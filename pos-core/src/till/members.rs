//! The member on the sale: attaching one by card, phone or id, registering one at the
//! counter (offline too), and what they may redeem.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::{Till, TillError};
use crate::document::{DocumentBody, MemberRegistration, Tender, TenderKind};
use crate::loyalty::{RedemptionLimits, points_value};
use crate::member::Member;
use crate::member_code::provisional_code;
use crate::points_expiry::ExpiringPoints;

/// A member's points as the till shows them on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberPoints {
    /// What they may spend: lapsed points are gone.
    pub balance: i64,
    /// The soonest points to lapse, if any.
    pub next_expiring: Option<ExpiringPoints>,
}
use crate::tier_progress::{TierProgress, tier_progress};

impl Till {
    pub fn member(&self) -> Option<&Member> {
        self.member.as_ref()
    }

    /// Attaches the member `key` finds, with the balance of the chain's day at `now`
    /// (points whose last day has passed are gone, offline too).
    pub fn attach_member(&mut self, key: &str, now: DateTime<Utc>) -> Result<Member, TillError> {
        let (member, next_expiring) =
            self.find_member_on(key, now)?
                .ok_or_else(|| TillError::MemberNotFound {
                    key: key.trim().to_string(),
                })?;
        self.member_points_expiring = next_expiring;
        self.cart.member_tier = Some(member.tier);
        self.cart.member_segment = member.segment.clone();
        self.member = Some(member.clone());
        Ok(member)
    }

    /// The attached member's soonest points to lapse.
    pub fn member_points_expiring(&self) -> Option<ExpiringPoints> {
        self.member.as_ref().and(self.member_points_expiring)
    }

    pub fn detach_member(&mut self) {
        self.cart.member_tier = None;
        self.cart.member_segment = None;
        self.member = None;
        self.member_points_expiring = None;
    }

    /// The attached member's way to the next tier by spend (head office's spend in the
    /// window plus this till's sales it has not reflected yet); `None` without a member
    /// or when tiers do not change by spend.
    pub fn tier_progress(&self) -> Result<Option<TierProgress>, TillError> {
        let Some(member) = &self.member else {
            return Ok(None);
        };
        let rules = self.store.loyalty_rules()?;
        let spend = member.tier_spend.map_or(Decimal::ZERO, |s| s.amount);
        Ok(tier_progress(&rules.tiers, member.tier, spend))
    }

    /// Registers a member at the counter, online or not, and attaches them.
    pub fn register_member(
        &mut self,
        phone: &str,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Member, TillError> {
        let phone = phone.trim();
        if phone.len() != 11
            || !phone.starts_with('1')
            || !phone.chars().all(|c| c.is_ascii_digit())
        {
            return Err(TillError::BadPhone);
        }
        if let Some(existing) = self.store.find_member(phone)? {
            return Err(TillError::MemberExists {
                phone: phone.to_string(),
                card_no: existing.card_no,
            });
        }
        let (store_id, terminal_id) = (
            self.identity.store_id.clone(),
            self.identity.terminal_id.clone(),
        );
        let name = name.trim().to_string();
        self.commit(now, Vec::new(), |_, sequence, id| {
            Ok(DocumentBody::MemberRegistration(
                MemberRegistration::sealed(
                    id.to_string(),
                    // Provisional until head office gives its own code; unique across the
                    // chain by construction (see `member_code`).
                    provisional_code(&store_id, &terminal_id, sequence),
                    phone.to_string(),
                    name.clone(),
                    // The seal's salt: random, so a digest cannot be guessed back once the
                    // salt is erased with the values.
                    rand::random(),
                ),
            ))
        })?;
        self.attach_member(phone, now)
    }

    /// The member's balance on the chain's day at `now` and their soonest points to
    /// lapse, as the screen and the receipt show them; `None`: no such member here.
    pub fn member_points(
        &self,
        member_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<MemberPoints>, TillError> {
        Ok(self
            .find_member_on(member_id, now)?
            .map(|(member, next_expiring)| MemberPoints {
                balance: member.points_balance,
                next_expiring,
            }))
    }

    /// The member `key` finds (card, phone, id or a joined code) with the balance of the
    /// chain's day at `now` (lapsed points gone, offline too) and their soonest points to
    /// lapse: one lookup for the sale, the screen and the receipt.
    pub fn find_member_on(
        &self,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Member, Option<ExpiringPoints>)>, TillError> {
        let Some(mut member) = self.store.find_member(key)? else {
            return Ok(None);
        };
        let on_date = self
            .store
            .points_on(&member.id, self.local_time(now).date())?;
        member.points_balance = member.points_balance.saturating_sub(on_date.lapsed);
        Ok(Some((member, on_date.next())))
    }

    /// What the attached member may redeem now, under the offline rules when offline.
    pub fn redemption_limits(&self, now: DateTime<Utc>) -> Result<RedemptionLimits, TillError> {
        let member = self.member.as_ref().ok_or(TillError::NoMember)?;
        Ok(RedemptionLimits {
            available: member.points_balance,
            online: self.online,
            redeemed_offline_today: self
                .store
                .offline_points_redeemed(&member.id, self.business_date(now))?,
        })
    }

    /// A points tender worth `points` (积分抵扣).
    pub fn points_tender(&self, points: i64) -> Result<Tender, TillError> {
        let rules = self.store.loyalty_rules()?;
        Ok(Tender {
            kind: TenderKind::Points,
            amount: points_value(points, &rules),
            reference: None,
            points,
        })
    }
}
