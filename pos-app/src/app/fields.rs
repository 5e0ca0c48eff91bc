//! The text boxes a screen offers to typed keys.
//!
//! A screen owns the text of its boxes; the text box on screen only shows it. Each
//! screen lists its boxes as [`Field`]s (id, text, the message that sets the text), and
//! the app keeps which one is active. A typed character becomes that box's own "text
//! changed" message, so it goes through the same checks as text typed into the widget.

use std::borrow::Cow;

/// A box's id: the text box widget's id too, so a click on the box makes it active and
/// the app can move the cursor there.
pub type FieldId = Cow<'static, str>;

/// One text box of a screen.
pub struct Field<'a, M> {
    pub id: FieldId,
    pub value: &'a str,
    on_input: Box<dyn Fn(String) -> M + 'a>,
}

impl<'a, M: 'a> Field<'a, M> {
    pub fn new(
        id: impl Into<FieldId>,
        value: &'a str,
        on_input: impl Fn(String) -> M + 'a,
    ) -> Field<'a, M> {
        Field {
            id: id.into(),
            value,
            on_input: Box::new(on_input),
        }
    }

    /// The same box, for a screen that wraps this one's messages.
    pub fn map<N: 'a>(self, wrap: impl Fn(M) -> N + 'a) -> Field<'a, N> {
        let on_input = self.on_input;
        Field {
            id: self.id,
            value: self.value,
            on_input: Box::new(move |text| wrap(on_input(text))),
        }
    }

    /// The message that types `c` at the end of the box.
    pub fn typed(&self, c: char) -> M {
        let mut text = self.value.to_string();
        text.push(c);
        (self.on_input)(text)
    }

    /// The message that erases the box's last character.
    pub fn erased(&self) -> M {
        let mut text = self.value.to_string();
        text.pop();
        (self.on_input)(text)
    }

    /// The message that sets the box to `text`.
    pub fn set(&self, text: String) -> M {
        (self.on_input)(text)
    }

    /// Whether this is the box with the widget id `id`.
    pub fn is(&self, id: &iced::widget::Id) -> bool {
        iced::widget::Id::from(self.id.to_string()) == *id
    }
}

/// Maps a screen's boxes to the app's messages.
pub fn map_all<'a, M: 'a, N: 'a>(
    fields: Vec<Field<'a, M>>,
    wrap: impl Fn(M) -> N + Clone + 'a,
) -> Vec<Field<'a, N>> {
    fields.into_iter().map(|f| f.map(wrap.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_key_and_backspace_become_the_box_own_message() {
        let field = Field::new("amount", "20", |text: String| text);
        assert_eq!(field.typed('0'), "200");
        assert_eq!(field.erased(), "2");
        let wrapped = field.map(|text| format!("<{text}>"));
        assert_eq!(wrapped.typed('5'), "<205>");
        assert!(wrapped.is(&iced::widget::Id::new("amount")));
        assert!(!wrapped.is(&iced::widget::Id::new("points")));
    }
}
