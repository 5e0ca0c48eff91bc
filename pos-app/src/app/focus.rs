//! Which text box is active and where typed keys go: the boxes a screen offers, the one
//! the app keeps active, the caret, Tab and clicks.

use super::*;

impl App {
    /// The boxes typed keys may go to: the manager's PIN while it is asked for, else
    /// the screen's, in the order Tab walks them.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        if let Some(prompt) = &self.approval {
            return fields::map_all(prompt.fields(), Message::Approval);
        }
        self.screen.fields()
    }

    /// The box typed keys go to now: the one made active last (by a screen change, a
    /// command key, Tab or a click) while it is on screen, else the screen's first.
    pub fn active_field(&self) -> Option<Field<'_, Message>> {
        let mut all = self.fields();
        let at = all
            .iter()
            .position(|f| Some(&f.id) == self.focus.as_ref())
            .unwrap_or(0);
        (at < all.len()).then(|| all.swap_remove(at))
    }

    /// Where the cashier types next on this screen: the manager's PIN, the tender's box
    /// on the payment screen, the form's box on the operators screen, the price panel's
    /// value, else the screen's first box.
    pub(super) fn preferred_field(&self) -> Option<FieldId> {
        match &self.approval {
            Some(_) => self.fields().into_iter().next().map(|f| f.id),
            None => self.screen.preferred_field(),
        }
    }

    /// Whether the active box is one the screen shows now.
    pub(super) fn focus_on_screen(&self) -> bool {
        self.fields()
            .iter()
            .any(|f| Some(&f.id) == self.focus.as_ref())
    }

    /// Makes the screen's preferred box the active one, at once, and returns the task
    /// that shows the cursor there. Typing does not wait for that task: keys go to
    /// [`App::active_field`] whether or not it has run.
    pub(super) fn refocus(&mut self) -> Task<Message> {
        self.focus = self.preferred_field();
        self.cursor_task()
    }

    /// Shows the cursor in the active box (and lets an input method type into it).
    pub(super) fn cursor_task(&self) -> Task<Message> {
        match self.active_field() {
            Some(field) => iced::widget::operation::focus(field.id.to_string()),
            None => Task::none(),
        }
    }

    /// A click put the cursor in a box: typing follows it.
    pub(super) fn field_clicked(&mut self, id: &iced::widget::Id) -> Task<Message> {
        let clicked = self.fields().into_iter().find(|f| f.is(id)).map(|f| f.id);
        if clicked.is_some() {
            self.focus = clicked;
        }
        Task::none()
    }

    /// Tab: the next box of the screen (after the last, the first again).
    pub(super) fn focus_next_field(&mut self) -> Task<Message> {
        let ids: Vec<FieldId> = self.fields().into_iter().map(|f| f.id).collect();
        if ids.is_empty() {
            return Task::none();
        }
        let at = ids
            .iter()
            .position(|id| Some(id) == self.focus.as_ref())
            .map_or(0, |i| (i + 1) % ids.len());
        self.focus = Some(ids[at].clone());
        self.cursor_task()
    }

    /// Types into the active box through its own "text changed" message, so the text
    /// goes through the screen's checks as if typed into the widget.
    pub(super) fn type_into_field(
        &mut self,
        edit: impl FnOnce(&Field<'_, Message>) -> Message,
    ) -> Task<Message> {
        let typed = self.active_field().map(|field| edit(&field));
        match typed {
            Some(message) => self.update(message),
            None => Task::none(),
        }
    }
}
