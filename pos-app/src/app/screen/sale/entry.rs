//! The sale screen's entry box: typing, the search that runs once typing pauses, Enter,
//! and scans. A typed code and a scanned one mean the same: what the till's one
//! classification says ([`scanning::classify`]).

use pos_core::till::EnteredCode;

use crate::app::screen;

use super::*;

/// Hits shown for a search.
const SEARCH_LIMIT: usize = 8;

impl State {
    pub(super) fn entry_changed(&mut self, text: String) -> Option<Event> {
        self.entry = text;
        self.search_due = true;
        self.quiet_ticks = 0;
        None
    }

    /// A code from a scanner (wedge or serial). Its keys also reached the entry box:
    /// they are taken out again first.
    pub fn scanned(&mut self, code: &str, ctx: &mut Ctx<'_>) -> Option<Event> {
        let till = &*ctx.till;
        let known =
            |candidate: &str| scanning::classify(till, candidate).is_ok_and(|c| c.is_known());
        let code = self.take_scanned_keys(code, known);
        match scanning::classify(ctx.till, &code) {
            Ok(EnteredCode::Unknown(_)) => {
                // The till says what it does not know.
                let input = scanning::parsed(&code).unwrap_or_else(|| ItemInput::code(&code));
                self.scan(input, ctx)
            }
            Ok(entered) => self.act_on(entered, 1, ctx),
            Err(e) => Some(Event::Error(e)),
        }
    }

    /// The wedge classifier found a scan that the entry box had also received: take its
    /// keys out of the box, and say which code was scanned. When the first key of a burst
    /// arrived late (the app was drawing), it is still in the box just before the code:
    /// if the code alone means nothing but with those keys it does, they belong to it.
    pub fn take_scanned_keys(&mut self, code: &str, is_known: impl Fn(&str) -> bool) -> String {
        let mut scanned = code.to_string();
        if let Some(rest) = self.entry.strip_suffix(code) {
            let rest = rest.to_string();
            let joined = format!("{rest}{code}");
            self.entry = if !rest.is_empty() && !is_known(code) && is_known(&joined) {
                scanned = joined;
                String::new()
            } else {
                rest
            };
        }
        if self.entry.is_empty() {
            self.search_due = false;
            self.hits.clear();
        }
        scanned
    }

    pub(super) fn search(&mut self, till: &Till) {
        self.search_due = false;
        self.quiet_ticks = 0;
        let query = self.entry.trim();
        // A run of digits is a code being typed, not a name: wait for Enter.
        if query.is_empty() || query.len() >= 6 && query.chars().all(|c| c.is_ascii_digit()) {
            self.hits.clear();
            return;
        }
        self.hits = till
            .search_products(query, SEARCH_LIMIT)
            .unwrap_or_default();
        self.hit_cursor = 0;
    }

    /// Enter: a quantity for the selected line, the highlighted hit, a code, else a
    /// search.
    pub(super) fn submit(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let entry = self.entry.trim().to_string();
        if entry.is_empty() {
            return None;
        }
        if let Some(quantity) = quantity_command(&entry) {
            self.entry.clear();
            return self.set_quantity(quantity, ctx);
        }
        // Hits on screen for exactly this text: Enter takes the highlighted one.
        if !self.hits.is_empty() && !self.search_due {
            let sku = self.hits[self.hit_cursor.min(self.hits.len() - 1)]
                .sku
                .clone();
            return self.pick(sku, ctx);
        }
        let (quantity, code) = split_quantity(&entry);
        match scanning::classify(ctx.till, code) {
            Ok(EnteredCode::Unknown(_)) => {}
            Ok(entered) => return self.act_on(entered, quantity, ctx),
            Err(e) => return Some(Event::Error(e)),
        }
        self.search(ctx.till);
        match self.hits.len() {
            0 => Some(Event::Warning(
                ctx.i18n.f("sale.nothing_found", &[("query", &entry)]),
            )),
            1 => {
                let sku = self.hits[0].sku.clone();
                self.pick(sku, ctx)
            }
            _ => None,
        }
    }

    /// A known code, typed or scanned: its product goes on the sale (`quantity` times
    /// what the code says), a receipt opens its return, a member is attached.
    fn act_on(&mut self, entered: EnteredCode, quantity: u32, ctx: &mut Ctx<'_>) -> Option<Event> {
        match entered {
            EnteredCode::Product(item) | EnteredCode::Udi(item) => {
                let input = item.input;
                self.scan(
                    ItemInput {
                        quantity: quantity.saturating_mul(input.quantity),
                        ..input
                    },
                    ctx,
                )
            }
            EnteredCode::Receipt(id) => {
                self.entry.clear();
                Some(Event::Go(Go::Return(Some(id.to_string()))))
            }
            EnteredCode::Member(member) => {
                self.entry.clear();
                let attached = ctx.till.attach_member(&member.id, ctx.now);
                self.refresh(ctx);
                screen::refused(attached)
            }
            EnteredCode::Unknown(text) => Some(Event::Error(TillError::UnknownCode { code: text })),
        }
    }
}

/// `*3` or `x3`: set the selected line's quantity.
pub(crate) fn quantity_command(entry: &str) -> Option<u32> {
    let rest = entry
        .strip_prefix('*')
        .or_else(|| entry.strip_prefix(['x', 'X']))?;
    rest.parse().ok().filter(|&q| q > 0)
}

/// `3*code`: that many of the code; a plain code is one.
pub(crate) fn split_quantity(entry: &str) -> (u32, &str) {
    match entry.split_once('*') {
        Some((n, code)) if !code.is_empty() => match n.trim().parse() {
            Ok(q) if q > 0 => (q, code.trim()),
            _ => (1, entry),
        },
        _ => (1, entry),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_grammar() {
        assert_eq!(quantity_command("*3"), Some(3));
        assert_eq!(quantity_command("x12"), Some(12));
        assert_eq!(quantity_command("xyj"), None);
        assert_eq!(quantity_command("*0"), None);
        assert_eq!(split_quantity("3*6901234567892"), (3, "6901234567892"));
        assert_eq!(split_quantity("6901234567892"), (1, "6901234567892"));
        assert_eq!(split_quantity("a*b"), (1, "a*b"));
    }
}
