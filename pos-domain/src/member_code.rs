//! Member codes (会员卡号): who issues them and how a mistyped one is caught.
//!
//! - Head office issues every member's code: `H`, a chain-wide sequence number of at
//!   least nine digits, and a Damm check digit ([`head_office_code`]). One issuer with
//!   one sequence needs no coordination between stores and never repeats; the check
//!   digit catches every single wrong digit and every swap of two adjacent digits (the
//!   two usual slips of a cashier typing a code a customer reads out), so such a slip
//!   finds nobody instead of another member.
//! - A till registering a member offline gives a provisional code `L{store}-{terminal}-
//!   {sequence}` ([`provisional_code`]): unique across the chain by construction, usable
//!   at once at that till. When the registration reaches head office the member gets
//!   head office's code; the provisional one stays joined to it and finds the member at
//!   every till (the feed's `member_card` change).

/// The prefix of a code a till issued.
pub const PROVISIONAL_PREFIX: char = 'L';
/// The prefix of a code head office issued.
pub const HEAD_OFFICE_PREFIX: char = 'H';
/// Digits of the sequence number in a head-office code (more once the chain passes a
/// billion members).
const SEQUENCE_DIGITS: usize = 9;

/// Damm's quasigroup of order 10 (totally anti-symmetric, zero diagonal).
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/// The Damm check digit of a string of decimal digits; `None` if one is not a digit.
pub fn damm_check_digit(digits: &str) -> Option<u8> {
    digits.chars().try_fold(0u8, |interim, c| {
        let d = c.to_digit(10)? as usize;
        Some(DAMM[interim as usize][d])
    })
}

/// Head office's code for the `sequence`-th member it issues.
pub fn head_office_code(sequence: u64) -> String {
    let digits = format!("{sequence:0width$}", width = SEQUENCE_DIGITS);
    let check = damm_check_digit(&digits).expect("formatted digits");
    format!("{HEAD_OFFICE_PREFIX}{digits}{check}")
}

/// Is `code` a code head office issued with a check digit that agrees?
pub fn is_head_office_code(code: &str) -> bool {
    code.strip_prefix(HEAD_OFFICE_PREFIX)
        .filter(|digits| digits.len() > SEQUENCE_DIGITS)
        .and_then(damm_check_digit)
        == Some(0)
}

/// The provisional code a till gives a member it registers (`sequence` is the
/// registration's document sequence). The dashes keep "S1"+"T01" apart from "S1T"+"01".
pub fn provisional_code(store_id: &str, terminal_id: &str, sequence: u64) -> String {
    format!("{PROVISIONAL_PREFIX}{store_id}-{terminal_id}-{sequence:07}")
}

/// Is `code` one a till issued (and head office has yet to give its own for)?
pub fn is_provisional_code(code: &str) -> bool {
    code.starts_with(PROVISIONAL_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damm_matches_the_published_example() {
        // Damm's own example: 572 gets the check digit 4.
        assert_eq!(damm_check_digit("572"), Some(4));
        assert_eq!(damm_check_digit("5724"), Some(0));
        assert_eq!(damm_check_digit("57a"), None);
    }

    #[test]
    fn head_office_codes_carry_a_check_digit_that_agrees() {
        assert_eq!(head_office_code(1), "H0000000013");
        for n in [0, 1, 42, 999_999_999, 1_000_000_000, 12_345_678_901] {
            let code = head_office_code(n);
            assert!(is_head_office_code(&code), "{code}");
        }
        assert!(!is_head_office_code("H000000001"), "too short");
        assert!(!is_head_office_code("LS1-T01-0000001"));
        assert!(!is_head_office_code("H00000000x3"));
    }

    #[test]
    fn every_single_wrong_digit_and_adjacent_swap_is_caught() {
        for n in [1u64, 7, 123_456_789, 987_654_321, 500_000_005] {
            let code: Vec<char> = head_office_code(n).chars().collect();
            for i in 1..code.len() {
                for d in '0'..='9' {
                    if d == code[i] {
                        continue;
                    }
                    let mut typo = code.clone();
                    typo[i] = d;
                    let typo: String = typo.into_iter().collect();
                    assert!(!is_head_office_code(&typo), "{typo} passes");
                }
                if i + 1 < code.len() && code[i] != code[i + 1] {
                    let mut swapped = code.clone();
                    swapped.swap(i, i + 1);
                    let swapped: String = swapped.into_iter().collect();
                    assert!(!is_head_office_code(&swapped), "{swapped} passes");
                }
            }
        }
    }

    #[test]
    fn provisional_codes_name_their_store_and_terminal() {
        assert_eq!(provisional_code("S1", "T01", 12), "LS1-T01-0000012");
        assert_ne!(
            provisional_code("S1", "T01", 1),
            provisional_code("S1T", "01", 1)
        );
        assert!(is_provisional_code(&provisional_code("S2", "T01", 1)));
        assert!(!is_provisional_code(&head_office_code(1)));
    }
}
