//! Keyboard input: every key the window sees, whether or not a text box took it, so a
//! keyboard-wedge scan is recognised wherever the focus is and F-keys work everywhere.

use std::time::Instant;

use iced::event::{self, Event};
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

/// Turns a window event into a key press; the keyboard subscription runs this.
pub fn from_event(
    event: Event,
    _status: event::Status,
    _window: iced::window::Id,
) -> Option<KeyPress> {
    let Event::Keyboard(keyboard::Event::KeyPressed {
        key,
        modifiers,
        text,
        ..
    }) = event
    else {
        return None;
    };
    pressed(&key, modifiers, text.as_deref()).map(|key| KeyPress {
        key,
        at: Instant::now(),
    })
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
}
