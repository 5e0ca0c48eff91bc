//! Why a point-ledger entry was written, in the short fixed words the ledger keeps
//! (`point_ledger.reason`, beside the operator who recorded the document). An
//! adjustment keeps its own reason, and names the manager who approved it.

use pos_domain::document::{Document, DocumentBody};
use pos_domain::effects::PointReason;

/// The approval a point adjustment carries (a till manager's PIN, or the console's
/// second person).
pub const ADJUSTMENT_APPROVAL: &str = "point_adjustment";

/// The ledger's reason for `reason`'s move of `doc`'s points.
pub fn ledger_reason(doc: &Document, reason: PointReason) -> String {
    match reason {
        PointReason::Earn => "sale earn".into(),
        PointReason::Redeem => "sale redeem".into(),
        PointReason::ReverseEarn => "return reverses earn".into(),
        PointReason::RefundRedeem => "return refunds redeem".into(),
        PointReason::VoidEarn => "void reverses earn".into(),
        PointReason::VoidRedeem => "void refunds redeem".into(),
        PointReason::Adjust => {
            let typed = match &doc.body {
                DocumentBody::PointAdjustment(adj) => adj.reason.as_str(),
                _ => "",
            };
            let mut text = format!("adjustment: {typed}");
            for approval in doc
                .approvals
                .iter()
                .filter(|a| a.action == ADJUSTMENT_APPROVAL)
            {
                text.push_str(&format!("; approved by {}", approval.manager_id));
            }
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, Utc};
    use pos_domain::document::{Approval, PointAdjustment};
    use uuid::Uuid;

    use super::*;

    fn adjustment(approvals: Vec<Approval>) -> Document {
        Document {
            id: Uuid::nil(),
            store_id: "S001".into(),
            terminal_id: "T01".into(),
            sequence: 1,
            business_date: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            created_at: Utc::now(),
            operator_id: "E01".into(),
            approvals,
            body: DocumentBody::PointAdjustment(PointAdjustment {
                member_id: "M1".into(),
                points: 5,
                reason: "补录".into(),
            }),
        }
    }

    #[test]
    fn an_adjustment_keeps_its_reason_and_names_its_approver() {
        assert_eq!(
            ledger_reason(&adjustment(Vec::new()), PointReason::Adjust),
            "adjustment: 补录"
        );
        let approved = adjustment(vec![Approval {
            action: ADJUSTMENT_APPROVAL.into(),
            manager_id: "M01".into(),
            at: Utc::now(),
        }]);
        assert_eq!(
            ledger_reason(&approved, PointReason::Adjust),
            "adjustment: 补录; approved by M01"
        );
        assert_eq!(ledger_reason(&approved, PointReason::Earn), "sale earn");
    }
}
