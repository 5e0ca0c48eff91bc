//! The widget at the root of the window that takes every key press before any other
//! widget sees it.
//!
//! Why a widget and not a subscription: iced hands a window's events to the widgets and
//! publishes their messages in the same pass, in the order the keys came, and the app's
//! `update` runs them in that order before the next pass. A subscription's messages come
//! back later, through a channel (one that drops events when it is full), after the
//! widgets have already handled the keys that followed. Keys published here are
//! therefore never reordered against each other, never lost, and never seen by a text
//! box of the screen the key before them is leaving.

use std::time::Instant;

use iced::advanced::widget::{Operation, Tree, operation, tree};
use iced::advanced::{Clipboard, Layout, Shell, Widget, layout, mouse, overlay, renderer};
use iced::{Element, Event, Length, Rectangle, Size, Vector, widget};

use super::{KeyPress, Routed, route_event};

/// Wraps the window's content: key presses become `on_key` messages; a click that puts
/// the cursor in a text box becomes `on_focus` with that box's id.
pub struct KeyRouter<'a, Message, Theme, Renderer> {
    content: Element<'a, Message, Theme, Renderer>,
    on_key: Box<dyn Fn(KeyPress) -> Message + 'a>,
    on_focus: Box<dyn Fn(widget::Id) -> Message + 'a>,
}

/// See [`KeyRouter`].
pub fn route<'a, Message, Theme, Renderer>(
    content: impl Into<Element<'a, Message, Theme, Renderer>>,
    on_key: impl Fn(KeyPress) -> Message + 'a,
    on_focus: impl Fn(widget::Id) -> Message + 'a,
) -> KeyRouter<'a, Message, Theme, Renderer> {
    KeyRouter {
        content: content.into(),
        on_key: Box::new(on_key),
        on_focus: Box::new(on_focus),
    }
}

impl<Message, Theme, Renderer> Widget<Message, Theme, Renderer>
    for KeyRouter<'_, Message, Theme, Renderer>
where
    Renderer: renderer::Renderer,
{
    fn tag(&self) -> tree::Tag {
        tree::Tag::stateless()
    }

    fn children(&self) -> Vec<Tree> {
        vec![Tree::new(&self.content)]
    }

    fn diff(&self, tree: &mut Tree) {
        tree.diff_children(std::slice::from_ref(&self.content));
    }

    fn size(&self) -> Size<Length> {
        self.content.as_widget().size()
    }

    fn layout(
        &mut self,
        tree: &mut Tree,
        renderer: &Renderer,
        limits: &layout::Limits,
    ) -> layout::Node {
        self.content
            .as_widget_mut()
            .layout(&mut tree.children[0], renderer, limits)
    }

    fn operate(
        &mut self,
        tree: &mut Tree,
        layout: Layout<'_>,
        renderer: &Renderer,
        operation: &mut dyn Operation,
    ) {
        self.content
            .as_widget_mut()
            .operate(&mut tree.children[0], layout, renderer, operation);
    }

    fn update(
        &mut self,
        tree: &mut Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        renderer: &Renderer,
        clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, Message>,
        viewport: &Rectangle,
    ) {
        match route_event(event) {
            Routed::Key(key) => {
                shell.publish((self.on_key)(KeyPress::new(key, Instant::now())));
                shell.capture_event();
                return;
            }
            Routed::Swallowed => {
                shell.capture_event();
                return;
            }
            Routed::Widgets => {}
        }
        self.content.as_widget_mut().update(
            &mut tree.children[0],
            event,
            layout,
            cursor,
            renderer,
            clipboard,
            shell,
            viewport,
        );
        if matches!(event, Event::Mouse(mouse::Event::ButtonPressed(_))) {
            // The click may have put the cursor in a box: typing goes there from now on.
            let mut find = operation::focusable::find_focused();
            self.content.as_widget_mut().operate(
                &mut tree.children[0],
                layout,
                renderer,
                &mut operation::black_box(&mut find),
            );
            if let operation::Outcome::Some(id) = find.finish() {
                shell.publish((self.on_focus)(id));
            }
        }
    }

    fn mouse_interaction(
        &self,
        tree: &Tree,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
        renderer: &Renderer,
    ) -> mouse::Interaction {
        self.content.as_widget().mouse_interaction(
            &tree.children[0],
            layout,
            cursor,
            viewport,
            renderer,
        )
    }

    fn draw(
        &self,
        tree: &Tree,
        renderer: &mut Renderer,
        theme: &Theme,
        style: &renderer::Style,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
    ) {
        self.content.as_widget().draw(
            &tree.children[0],
            renderer,
            theme,
            style,
            layout,
            cursor,
            viewport,
        );
    }

    fn overlay<'b>(
        &'b mut self,
        tree: &'b mut Tree,
        layout: Layout<'b>,
        renderer: &Renderer,
        viewport: &Rectangle,
        translation: Vector,
    ) -> Option<overlay::Element<'b, Message, Theme, Renderer>> {
        self.content.as_widget_mut().overlay(
            &mut tree.children[0],
            layout,
            renderer,
            viewport,
            translation,
        )
    }
}

impl<'a, Message, Theme, Renderer> From<KeyRouter<'a, Message, Theme, Renderer>>
    for Element<'a, Message, Theme, Renderer>
where
    Message: 'a,
    Theme: 'a,
    Renderer: renderer::Renderer + 'a,
{
    fn from(router: KeyRouter<'a, Message, Theme, Renderer>) -> Self {
        Element::new(router)
    }
}
