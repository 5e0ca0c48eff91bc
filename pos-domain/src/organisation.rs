//! Organisations (机构客户): clinics, pharmacies and hospitals buying as one customer,
//! with their departments and qualifications (资质). What a till holds of one, and the
//! rule for selling a class III device to it: the buyer's 医疗器械经营许可证 must be in
//! force on the sale's business date (passed in; nothing here reads a clock).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalog::DeviceClass;

/// 机构类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// 诊所
    Clinic,
    /// 药店
    Pharmacy,
    /// 医院
    Hospital,
    /// 其他
    Other,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 4] = [
        OrganisationKind::Clinic,
        OrganisationKind::Pharmacy,
        OrganisationKind::Hospital,
        OrganisationKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrganisationKind::Clinic => "clinic",
            OrganisationKind::Pharmacy => "pharmacy",
            OrganisationKind::Hospital => "hospital",
            OrganisationKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<OrganisationKind> {
        OrganisationKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// 资质类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualificationKind {
    /// 营业执照
    BusinessLicence,
    /// 医疗器械经营许可证 (class III devices)
    DeviceLicence,
    /// 第二类医疗器械经营备案凭证 (class II devices)
    ClassTwoFiling,
}

impl QualificationKind {
    pub const ALL: [QualificationKind; 3] = [
        QualificationKind::BusinessLicence,
        QualificationKind::DeviceLicence,
        QualificationKind::ClassTwoFiling,
    ];

    pub fn code(self) -> &'static str {
        match self {
            QualificationKind::BusinessLicence => "business_licence",
            QualificationKind::DeviceLicence => "device_licence",
            QualificationKind::ClassTwoFiling => "class_two_filing",
        }
    }

    pub fn from_code(code: &str) -> Option<QualificationKind> {
        QualificationKind::ALL
            .into_iter()
            .find(|k| k.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            QualificationKind::BusinessLicence => "营业执照",
            QualificationKind::DeviceLicence => "医疗器械经营许可证",
            QualificationKind::ClassTwoFiling => "第二类医疗器械经营备案凭证",
        }
    }
}

/// A qualification as a till holds it: its kind and its last valid day (`None`: no
/// end, 长期).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualificationValidity {
    pub kind: QualificationKind,
    pub valid_until: Option<NaiveDate>,
}

/// An organisation as the feed sends it to tills: no contacts, no phones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Head office's id.
    pub id: String,
    pub name: String,
    /// 统一社会信用代码.
    pub code: String,
    pub kind: OrganisationKind,
    /// Departments (科室) a sale may name.
    pub departments: Vec<String>,
    pub qualifications: Vec<QualificationValidity>,
}

/// Why a sale to an organisation breaks the qualification rule: which qualification,
/// and, when the organisation has one that ran out, its last valid day (before the
/// sale's business date); without it, the organisation has none of this kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualificationProblem {
    pub kind: QualificationKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
}

impl QualificationProblem {
    /// The organisation has no qualification of `kind`.
    pub fn missing(kind: QualificationKind) -> QualificationProblem {
        QualificationProblem {
            kind,
            valid_until: None,
        }
    }

    /// The organisation's qualification of `kind` was valid until `valid_until` only.
    pub fn expired(kind: QualificationKind, valid_until: NaiveDate) -> QualificationProblem {
        QualificationProblem {
            kind,
            valid_until: Some(valid_until),
        }
    }

    /// The reason as the cashier reads it (Chinese first: the till's language).
    pub fn reason_zh(&self) -> String {
        match self.valid_until {
            None => format!("该机构没有{}，不能销售第三类医疗器械", self.kind.label_zh()),
            Some(valid_until) => format!(
                "该机构的{}已于{valid_until}到期，不能销售第三类医疗器械",
                self.kind.label_zh()
            ),
        }
    }
}

impl std::fmt::Display for QualificationProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.valid_until {
            None => write!(f, "the organisation has no {}", self.kind.code()),
            Some(valid_until) => write!(
                f,
                "the organisation's {} expired on {valid_until}",
                self.kind.code()
            ),
        }
    }
}

/// May `lines` (each line's device class) be sold to an organisation holding
/// `qualifications` on `business_date`? A class III device needs a
/// 医疗器械经营许可证 whose last valid day is the business date or later; anything
/// else needs nothing. Of several licences, the one valid longest counts.
pub fn check_device_sale(
    qualifications: &[QualificationValidity],
    lines: &[Option<DeviceClass>],
    business_date: NaiveDate,
) -> Result<(), QualificationProblem> {
    if !lines.contains(&Some(DeviceClass::III)) {
        return Ok(());
    }
    let kind = QualificationKind::DeviceLicence;
    let licences: Vec<Option<NaiveDate>> = qualifications
        .iter()
        .filter(|q| q.kind == kind)
        .map(|q| q.valid_until)
        .collect();
    if licences.contains(&None) {
        return Ok(());
    }
    match licences.into_iter().flatten().max() {
        None => Err(QualificationProblem::missing(kind)),
        Some(valid_until) if valid_until >= business_date => Ok(()),
        Some(valid_until) => Err(QualificationProblem::expired(kind, valid_until)),
    }
}

/// The characters of a 统一社会信用代码 (GB 32100-2015: no I, O, S, V, Z), by value.
const CREDIT_CODE_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Is `code` a well-formed 统一社会信用代码: 18 characters of the standard's set whose
/// last is the check character of the first 17?
pub fn is_valid_credit_code(code: &str) -> bool {
    let values: Option<Vec<u32>> = code
        .chars()
        .map(|c| CREDIT_CODE_CHARS.find(c).map(|i| i as u32))
        .collect();
    let Some(values) = values else {
        return false;
    };
    if values.len() != 18 {
        return false;
    }
    // Weights are 3^i mod 31.
    let mut weight = 1u32;
    let mut sum = 0u32;
    for v in &values[..17] {
        sum += v * weight;
        weight = weight * 3 % 31;
    }
    (31 - sum % 31) % 31 == values[17]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn licence(until: Option<&str>) -> QualificationValidity {
        QualificationValidity {
            kind: QualificationKind::DeviceLicence,
            valid_until: until.map(day),
        }
    }

    #[test]
    fn a_class_three_device_needs_a_licence_in_force_on_the_business_date() {
        let sale = [Some(DeviceClass::II), Some(DeviceClass::III)];
        let on = day("2026-12-07");
        assert_eq!(
            check_device_sale(&[licence(Some("2026-12-07"))], &sale, on),
            Ok(()),
            "valid through its last day"
        );
        assert_eq!(
            check_device_sale(&[licence(Some("2026-12-06"))], &sale, on),
            Err(QualificationProblem::expired(
                QualificationKind::DeviceLicence,
                day("2026-12-06")
            ))
        );
        assert_eq!(check_device_sale(&[licence(None)], &sale, on), Ok(()));
        let filing_only = QualificationValidity {
            kind: QualificationKind::ClassTwoFiling,
            valid_until: None,
        };
        assert_eq!(
            check_device_sale(&[filing_only], &sale, on),
            Err(QualificationProblem::missing(
                QualificationKind::DeviceLicence
            ))
        );
        assert_eq!(
            check_device_sale(
                &[licence(Some("2025-01-01")), licence(Some("2027-01-01"))],
                &sale,
                on
            ),
            Ok(()),
            "a renewed licence counts"
        );
    }

    #[test]
    fn other_devices_need_no_licence() {
        let on = day("2026-12-07");
        let sale = [Some(DeviceClass::I), Some(DeviceClass::II), None];
        assert_eq!(check_device_sale(&[], &sale, on), Ok(()));
        assert_eq!(check_device_sale(&[], &[], on), Ok(()));
    }

    #[test]
    fn the_reason_names_the_qualification_and_its_date() {
        let p = QualificationProblem::expired(QualificationKind::DeviceLicence, day("2026-12-06"));
        assert!(p.reason_zh().contains("医疗器械经营许可证"));
        assert!(p.reason_zh().contains("2026-12-06"));
        assert_eq!(
            p.to_string(),
            "the organisation's device_licence expired on 2026-12-06"
        );
    }

    #[test]
    fn credit_codes_carry_their_check_character() {
        assert!(is_valid_credit_code("91350100M000100Y43"));
        assert!(!is_valid_credit_code("91350100M000100Y44"), "wrong check");
        assert!(!is_valid_credit_code("91350100M000100Y4"), "17 characters");
        assert!(!is_valid_credit_code("91350100M0001O0Y43"), "O is not used");
    }

    #[test]
    fn codes_round_trip() {
        for k in QualificationKind::ALL {
            assert_eq!(QualificationKind::from_code(k.code()), Some(k));
        }
        for k in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::from_code(k.code()), Some(k));
        }
    }
}
