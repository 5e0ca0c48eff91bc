//! Keyboard input: every key the window sees goes through one place, [`route`], in the
//! order it was pressed. No text box takes keys on its own: the app types each character
//! into the box its screen says is active (see [`fields`](super::fields)), so a key
//! pressed just after a command key lands where that command put the cursor, however
//! many keys the window hands over at once and whenever a focus task runs.

use std::time::Instant;

use iced::Event;
use iced::keyboard::{self, Key, key::Named};

/// One key press as the till cares about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPress {
    pub key: Pressed,
    /// When the key arrived; the wedge classifier tells scanners from people by it.
    pub at: Instant,
}

/// The keys the till acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pressed {
    /// A printable character (no Ctrl or Alt held).
    Char(char),
    Enter,
    Escape,
    /// Erases the last character of the active box.
    Backspace,
    Delete,
    Up,
    Down,
    Tab,
    /// F1 to F12.
    F(u8),
    /// A letter with Ctrl held (lower case): the few actions F-keys cannot cover.
    Ctrl(char),
}

impl KeyPress {
    pub fn new(key: Pressed, at: Instant) -> KeyPress {
        KeyPress { key, at }
    }
}

/// What the router does with a window event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routed {
    /// A key the till acts on: the app gets it, no widget does.
    Key(Pressed),
    /// A key the till ignores (arrows sideways, Shift alone): no widget gets it either,
    /// so no text box edits itself behind the app's back.
    Swallowed,
    /// Not a key press, or a clipboard chord (Ctrl+C/V/X/A) for the box the mouse put
    /// the cursor in: the widgets get it as usual.
    Widgets,
}

/// Sorts a window event: see [`Routed`].
pub fn route_event(event: &Event) -> Routed {
    let Event::Keyboard(keyboard::Event::KeyPressed {
        key,
        modifiers,
        text,
        ..
    }) = event
    else {
        return Routed::Widgets;
    };
    if is_clipboard_chord(key, *modifiers) {
        return Routed::Widgets;
    }
    match pressed(key, *modifiers, text.as_deref()) {
        Some(pressed) => Routed::Key(pressed),
        None => Routed::Swallowed,
    }
}

/// Copy, paste, cut and select-all, which the focused text box handles itself.
fn is_clipboard_chord(key: &Key, modifiers: keyboard::Modifiers) -> bool {
    let Key::Character(c) = key else {
        return false;
    };
    modifiers.command()
        && !modifiers.alt()
        && matches!(c.to_ascii_lowercase().as_str(), "c" | "v" | "x" | "a")
}

/// What a key is, from iced's description of it.
pub fn pressed(key: &Key, modifiers: keyboard::Modifiers, text: Option<&str>) -> Option<Pressed> {
    match key {
        Key::Named(named) => named_key(*named),
        Key::Character(c) if modifiers.control() && !modifiers.alt() && !modifiers.logo() => c
            .chars()
            .next()
            .filter(char::is_ascii_alphabetic)
            .map(|c| Pressed::Ctrl(c.to_ascii_lowercase())),
        Key::Character(_) if modifiers.control() || modifiers.alt() || modifiers.logo() => None,
        Key::Character(c) => text.unwrap_or(c.as_str()).chars().next().map(Pressed::Char),
        Key::Unidentified => None,
    }
}

fn named_key(named: Named) -> Option<Pressed> {
    let f = |n| Some(Pressed::F(n));
    match named {
        Named::Enter => Some(Pressed::Enter),
        Named::Escape => Some(Pressed::Escape),
        Named::Backspace => Some(Pressed::Backspace),
        Named::Delete => Some(Pressed::Delete),
        Named::ArrowUp => Some(Pressed::Up),
        Named::ArrowDown => Some(Pressed::Down),
        Named::Tab => Some(Pressed::Tab),
        Named::Space => Some(Pressed::Char(' ')),
        Named::F1 => f(1),
        Named::F2 => f(2),
        Named::F3 => f(3),
        Named::F4 => f(4),
        Named::F5 => f(5),
        Named::F6 => f(6),
        Named::F7 => f(7),
        Named::F8 => f(8),
        Named::F9 => f(9),
        Named::F10 => f(10),
        Named::F11 => f(11),
        Named::F12 => f(12),
        _ => None,
    }
}

pub use router::{KeyRouter, route};

mod router;

#[cfg(test)]
mod tests {
    use super::*;
    use iced::keyboard::Modifiers;

    #[test]
    fn ctrl_with_a_letter_is_a_command_and_other_chords_are_ignored() {
        let s = Key::Character("S".into());
        assert_eq!(
            pressed(&s, Modifiers::CTRL, Some("\u{13}")),
            Some(Pressed::Ctrl('s'))
        );
        assert_eq!(pressed(&s, Modifiers::CTRL | Modifiers::ALT, None), None);
        assert_eq!(pressed(&s, Modifiers::ALT, None), None);
        // Ctrl+] is how some wedge scanners send the GS1 separator: not a command.
        assert_eq!(
            pressed(&Key::Character("]".into()), Modifiers::CTRL, None),
            None
        );
        assert_eq!(
            pressed(&s, Modifiers::SHIFT, Some("S")),
            Some(Pressed::Char('S'))
        );
    }

    #[test]
    fn clipboard_chords_go_to_the_widgets_and_other_keys_to_the_app() {
        let press = |key: Key, modifiers: Modifiers, text: Option<&str>| {
            Event::Keyboard(keyboard::Event::KeyPressed {
                modified_key: key.clone(),
                key,
                physical_key: keyboard::key::Physical::Unidentified(
                    keyboard::key::NativeCode::Unidentified,
                ),
                location: keyboard::Location::Standard,
                modifiers,
                text: text.map(Into::into),
                repeat: false,
            })
        };
        let v = Key::Character("v".into());
        assert_eq!(
            route_event(&press(v.clone(), Modifiers::CTRL, None)),
            Routed::Widgets
        );
        assert_eq!(
            route_event(&press(v, Modifiers::empty(), Some("v"))),
            Routed::Key(Pressed::Char('v'))
        );
        assert_eq!(
            route_event(&press(
                Key::Named(Named::Backspace),
                Modifiers::empty(),
                None
            )),
            Routed::Key(Pressed::Backspace)
        );
        assert_eq!(
            route_event(&press(
                Key::Named(Named::ArrowLeft),
                Modifiers::empty(),
                None
            )),
            Routed::Swallowed
        );
    }
}
