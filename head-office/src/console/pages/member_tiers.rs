//! A member's tier changes on their page, newest first: from and to, why (spend reached
//! at a sale, or the review), the spend over the window, the document and who made it.

use maud::{Markup, html};

use crate::console::i18n::Lang;
use crate::tiers::TierChangeRow;

pub fn tier_changes(lang: Lang, changes: &[TierChangeRow]) -> Markup {
    html! {
        h2 { (lang.t("members.tier_changes")) }
        @if changes.is_empty() {
            p { (lang.t("members.tier_changes_none")) }
        } @else {
            table #tier-changes {
                thead { tr {
                    th { (lang.t("members.tier_effective_on")) }
                    th { (lang.t("members.tier_from")) }
                    th { (lang.t("members.tier_to")) }
                    th { (lang.t("members.tier_reason")) }
                    th { (lang.t("members.tier_window_spend")) }
                    th { (lang.t("tills.document")) }
                    th { (lang.t("members.tier_changed_by")) }
                } }
                tbody {
                    @for c in changes {
                        tr {
                            td { (c.effective_on) }
                            td { (c.from_tier) }
                            td { (c.to_tier) }
                            td { (lang.t(&format!("members.tier_reason_{}", c.reason))) }
                            td.number { (c.window_spend) }
                            td { (c.document_id.map(|d| d.to_string()).unwrap_or_default()) }
                            td { (c.changed_by) " · " (c.recorded_at.format("%Y-%m-%d %H:%M")) }
                        }
                    }
                }
            }
        }
    }
}
