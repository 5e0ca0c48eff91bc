use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::tender::CashRounding;

/// The till's rules that a manager may tune. Stored in the till's configuration file by
/// the app; the defaults suit a mainland store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TillConfig {
    /// Store local time as an offset from UTC (China: +08:00 = 480).
    pub utc_offset_minutes: i32,
    /// A business day starts at this local hour; sales before it belong to the day before.
    pub business_day_start_hour: u32,
    /// A lot expiring within this many days warns the cashier.
    pub near_expiry_warn_days: i64,
    /// A cashier may take a line at most this fraction below its price without a manager.
    pub cashier_discount_limit: Decimal,
    /// Rounding of cash-only payments to the jiao.
    pub cash_rounding: CashRoundingSetting,
    /// A class III device sold to an organisation whose 医疗器械经营许可证 has expired
    /// (or is missing) is refused; set, the cashier is warned instead and may sell once
    /// they acknowledge (the sale records it).
    pub qualification_warns: bool,
}

/// Serialisable form of the cash rounding rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CashRoundingSetting {
    #[default]
    None,
    ToJiao,
}

impl Default for TillConfig {
    fn default() -> Self {
        TillConfig {
            utc_offset_minutes: 8 * 60,
            business_day_start_hour: 4,
            near_expiry_warn_days: 30,
            cashier_discount_limit: Decimal::new(10, 2),
            cash_rounding: CashRoundingSetting::None,
            qualification_warns: false,
        }
    }
}

impl TillConfig {
    pub fn local_time(&self, now: DateTime<Utc>) -> NaiveDateTime {
        let offset = FixedOffset::east_opt(self.utc_offset_minutes * 60)
            .unwrap_or(FixedOffset::east_opt(0).unwrap());
        now.with_timezone(&offset).naive_local()
    }

    pub fn business_date(&self, now: DateTime<Utc>) -> NaiveDate {
        (self.local_time(now) - Duration::hours(self.business_day_start_hour as i64)).date()
    }

    pub fn cash_rounding(&self) -> CashRounding {
        match self.cash_rounding {
            CashRoundingSetting::None => CashRounding::None,
            CashRoundingSetting::ToJiao => CashRounding::ToJiao,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_date_rolls_at_the_start_hour() {
        let c = TillConfig::default();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // 01:30 Beijing time on the 23rd still belongs to the 22nd.
        assert_eq!(
            c.business_date(at("2026-11-22T17:30:00Z")),
            "2026-11-22".parse::<NaiveDate>().unwrap()
        );
        // 04:00 Beijing time on the 23rd starts the 23rd.
        assert_eq!(
            c.business_date(at("2026-11-22T20:00:00Z")),
            "2026-11-23".parse::<NaiveDate>().unwrap()
        );
    }
}
