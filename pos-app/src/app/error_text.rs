//! What the cashier reads when the till refuses: one translated message per error
//! variant, with its details filled in.

use pos_core::loyalty::RedemptionError;
use pos_core::operator::OperatorError;
use pos_core::organisation::QualificationProblem;
use pos_core::returns::ReturnError;
use pos_core::store::StoreError;
use pos_core::tender::TenderError;
use pos_core::till::TillError;
use printer::PrintError;

use super::i18n::I18n;
use super::screen::Refusal;
use super::screen::approval::action_key;
use super::ui::money;

/// Why set-up or settings refused, for the banner.
pub fn refusal(i18n: I18n, refusal: &Refusal) -> String {
    match refusal {
        Refusal::Invalid(key) => i18n.t(key).to_string(),
        Refusal::Till(e) => till_error(i18n, e),
        Refusal::NotCreated(reason) => i18n.f("setup.failed", &[("reason", reason)]),
        Refusal::NotSaved(reason) => reason.clone(),
    }
}

/// Which qualification is wrong and since when, in the till's language.
pub fn qualification_problem(i18n: I18n, problem: &QualificationProblem) -> String {
    let kind = i18n
        .t(&format!("qualification.{}", problem.kind.code()))
        .to_string();
    match problem.valid_until {
        None => i18n.f("qualification.missing", &[("kind", &kind)]),
        Some(valid_until) => i18n.f(
            "qualification.expired",
            &[("kind", &kind), ("date", &valid_until)],
        ),
    }
}

pub fn till_error(i18n: I18n, error: &TillError) -> String {
    use TillError as E;
    match error {
        E::UnknownCode { code } => i18n.f("error.unknown_code", &[("code", code)]),
        E::ZeroQuantity => i18n.t("error.zero_quantity").into(),
        E::UnknownLine { line_no } => i18n.f("error.unknown_line", &[("line", line_no)]),
        E::LotRequired { name, .. } => i18n.f("error.lot_required", &[("name", name)]),
        E::UnknownLot { lot_no, sku } => {
            i18n.f("error.unknown_lot", &[("lot", lot_no), ("sku", sku)])
        }
        E::ExpiredLot {
            name,
            lot_no,
            expiry_date,
            ..
        } => i18n.f(
            "error.expired_lot",
            &[("name", name), ("lot", lot_no), ("expiry", expiry_date)],
        ),
        E::NotLotTracked { name, .. } => i18n.f("lot_pick.not_lot_tracked", &[("name", name)]),
        E::SerialLotFixed { serial, lot_no } => i18n.f(
            "lot_pick.serial_lot_fixed",
            &[("serial", serial), ("lot", lot_no)],
        ),
        E::SerialRequired { name, .. } => i18n.f("error.serial_required", &[("name", name)]),
        E::SerialQuantity { serial } => i18n.f("error.serial_quantity", &[("serial", serial)]),
        E::SerialAlreadySold { serial, sequence } => {
            i18n.f("error.serial_sold", &[("serial", serial), ("no", sequence)])
        }
        E::SerialInCart { serial } => i18n.f("error.serial_in_cart", &[("serial", serial)]),
        E::SerialSoldElsewhere { serial } => {
            i18n.f("error.serial_elsewhere", &[("serial", serial)])
        }
        E::SerialReturnOnOtherSale { serial, sequence } => i18n.f(
            "error.serial_return_on_sale",
            &[("serial", serial), ("no", sequence)],
        ),
        E::NotLoggedIn => i18n.t("error.not_logged_in").into(),
        E::UnknownOperator { operator_id } => {
            i18n.f("error.unknown_operator", &[("id", operator_id)])
        }
        E::WrongPin { attempts_left } => i18n.f("error.wrong_pin", &[("left", attempts_left)]),
        E::Locked { until } => i18n.f("error.locked", &[("until", &until.format("%H:%M"))]),
        E::BadPinFormat => i18n.t("error.bad_pin").into(),
        E::DayAlreadyClosed {
            business_date,
            z_no,
        } => i18n.f(
            "error.day_already_closed",
            &[("date", business_date), ("no", z_no)],
        ),
        E::ApprovalRequired { action } => {
            let label = pos_core::operator::ManagerAction::from_code(action)
                .map(action_key)
                .unwrap_or(*action);
            i18n.f("error.approval_required", &[("action", &i18n.t(label))])
        }
        E::NotAManager { operator_id } => i18n.f("error.not_a_manager", &[("id", operator_id)]),
        E::NoOpenShift => i18n.t("error.no_open_shift").into(),
        E::ShiftAlreadyOpen => i18n.t("error.shift_open").into(),
        E::EmptyCart => i18n.t("error.empty_cart").into(),
        E::SaleInProgress => i18n.t("error.sale_in_progress").into(),
        E::NoMember => i18n.t("error.no_member").into(),
        E::MemberNotFound { key } => i18n.f("error.member_not_found", &[("key", key)]),
        E::MemberExists { phone, card_no } => i18n.f(
            "error.member_exists",
            &[("phone", phone), ("card", card_no)],
        ),
        E::BadPhone => i18n.t("error.bad_phone").into(),
        E::OrganisationNotFound { key } => i18n.f("error.organisation_not_found", &[("key", key)]),
        E::OrganisationAmbiguous { key, count } => i18n.f(
            "error.organisation_ambiguous",
            &[("key", key), ("count", count)],
        ),
        E::NoOrganisation => i18n.t("error.no_organisation").into(),
        E::UnknownDepartment { department } => {
            i18n.f("error.unknown_department", &[("department", department)])
        }
        E::QualificationRefused { problem } => i18n.f(
            "error.qualification_refused",
            &[("why", &qualification_problem(i18n, problem))],
        ),
        E::QualificationWarning { problem } => i18n.f(
            "error.qualification_warning",
            &[("why", &qualification_problem(i18n, problem))],
        ),
        E::SaleNotFound { id } => i18n.f("error.sale_not_found", &[("id", id)]),
        E::AlreadyVoided { sequence } => i18n.f("error.already_voided", &[("no", sequence)]),
        E::VoidAfterReturn { sequence } => i18n.f("error.void_after_return", &[("no", sequence)]),
        E::VoidAfterClose { sequence } => i18n.f("error.void_after_close", &[("no", sequence)]),
        E::ReturnOfVoided { sequence } => i18n.f("error.return_of_voided", &[("no", sequence)]),
        E::TooManyItems { max } => i18n.f("no_receipt.too_many", &[("max", max)]),
        E::HeldSalesFull { max } => i18n.f("error.held_full", &[("max", max)]),
        E::HeldSaleNotFound { .. } => i18n.t("error.held_not_found").into(),
        E::NonPositiveAmount { amount } => i18n.f("error.non_positive", &[("amount", amount)]),
        E::PointsTenderValue { .. } => i18n.t("error.points_value").into(),
        E::ReasonRequired => i18n.t("error.reason_required").into(),
        E::NotInitialised => i18n.t("error.not_initialised").into(),
        E::BadIdentity { max, .. } => i18n.f("error.bad_identity", &[("max", max)]),
        E::AlreadyInitialised { path } => {
            i18n.f("error.already_initialised", &[("path", &path.display())])
        }
        E::InvalidDocument { reason, .. } => {
            i18n.f("error.invalid_document", &[("reason", reason)])
        }
        E::Pricing(e) => i18n.f("error.pricing", &[("detail", e)]),
        E::Tender(e) => tender_error(i18n, e),
        E::Redemption(e) => redemption_error(i18n, e),
        E::Return(e) => return_error(i18n, e),
        E::Operator(e) => operator_error(i18n, e),
        E::Stock(e) => super::stock_error_text::stock_error(i18n, e),
        E::Store(e) => store_error(i18n, e),
    }
}

fn tender_error(i18n: I18n, error: &TenderError) -> String {
    match error {
        TenderError::Short { missing, .. } => {
            i18n.f("error.short", &[("missing", &money(*missing))])
        }
        TenderError::NonCashOverpay { non_cash, due } => i18n.f(
            "error.non_cash_overpay",
            &[("paid", &money(*non_cash)), ("due", &money(*due))],
        ),
        TenderError::TooManyTenders { max } => i18n.f("error.too_many_tenders", &[("max", max)]),
        TenderError::ChangeTooLarge { change, max } => i18n.f(
            "error.change_too_large",
            &[("change", &money(*change)), ("max", &money(*max))],
        ),
        other => i18n.f("error.tender", &[("detail", other)]),
    }
}

fn redemption_error(i18n: I18n, error: &RedemptionError) -> String {
    match error {
        RedemptionError::MoreThanAvailable {
            requested,
            available,
        } => i18n.f(
            "error.points_available",
            &[("requested", requested), ("available", available)],
        ),
        RedemptionError::OverCap { requested, max } => i18n.f(
            "error.points_cap",
            &[("requested", requested), ("max", max)],
        ),
        RedemptionError::OfflineDailyLimit { requested, left } => i18n.f(
            "error.points_offline",
            &[("requested", requested), ("left", left)],
        ),
        RedemptionError::NotWholeFen { usable, .. } => {
            i18n.f("error.points_fen", &[("usable", usable)])
        }
        other => i18n.f("error.redemption", &[("detail", other)]),
    }
}

fn return_error(i18n: I18n, error: &ReturnError) -> String {
    match error {
        ReturnError::NothingRequested => i18n.t("error.return_nothing").into(),
        ReturnError::MoreThanSold {
            line_no,
            sold,
            returned_before,
            requested,
        } => i18n.f(
            "error.return_more",
            &[
                ("line", line_no),
                ("sold", sold),
                ("before", returned_before),
                ("requested", requested),
            ],
        ),
        other => i18n.f("error.return", &[("detail", other)]),
    }
}

fn operator_error(i18n: I18n, error: &OperatorError) -> String {
    match error {
        OperatorError::BadId => i18n.t("operators.bad_id").into(),
        OperatorError::BadName => i18n.t("operators.bad_name").into(),
        OperatorError::PinMismatch => i18n.t("operators.pin_mismatch").into(),
        OperatorError::DuplicateId { operator_id } => {
            i18n.f("operators.duplicate_id", &[("id", operator_id)])
        }
        OperatorError::Inactive { operator_id } => {
            i18n.f("operators.inactive", &[("id", operator_id)])
        }
        OperatorError::SelfDeactivation => i18n.t("operators.self_deactivation").into(),
        OperatorError::LastManager { operator_id } => {
            i18n.f("operators.last_manager", &[("id", operator_id)])
        }
    }
}

pub fn store_error(i18n: I18n, error: &StoreError) -> String {
    match error {
        StoreError::Locked => i18n.t("error.db_locked").into(),
        StoreError::Missing { path } => i18n.f("error.db_missing", &[("path", &path.display())]),
        StoreError::Open { path, source } => i18n.f(
            "error.db_open",
            &[("path", &path.display()), ("detail", source)],
        ),
        StoreError::SchemaTooNew { path, .. } => {
            i18n.f("error.db_newer", &[("path", &path.display())])
        }
        other => i18n.f("error.db", &[("detail", other)]),
    }
}

/// A printing failure: what to check, in the cashier's language.
pub fn print_error(i18n: I18n, error: &PrintError) -> String {
    let key = match error {
        PrintError::BadUri { .. } => "print.bad_uri",
        PrintError::Connect { .. } | PrintError::Timeout { .. } | PrintError::NoReply { .. } => {
            "print.unreachable"
        }
        PrintError::Write { .. } | PrintError::Read { .. } => "print.broken",
        PrintError::StatusUnsupported { .. } => "print.no_status",
        PrintError::PaperOut { .. } => "print.paper_out",
        PrintError::CoverOpen { .. } => "print.cover_open",
        PrintError::Offline { .. } => "print.offline",
    };
    i18n.t(key).to_string()
}
