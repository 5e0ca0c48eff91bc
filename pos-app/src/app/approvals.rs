//! The manager's PIN prompt: asking for an approval and carrying on once it is given
//! or refused.

use super::*;

impl App {
    pub(super) fn ask_manager(
        &mut self,
        action: pos_core::operator::ManagerAction,
    ) -> Task<Message> {
        let Some(till) = &self.till else {
            return Task::none();
        };
        self.approval = Some(approval::Prompt::new(action, till));
        self.refocus()
    }

    pub(super) fn on_approval(&mut self, message: approval::Message) -> Task<Message> {
        let (Some(prompt), Some(till)) = (self.approval.as_mut(), self.till.as_mut()) else {
            return Task::none();
        };
        let outcome = prompt.update(message, till, self.clock.now());
        self.after_approval(outcome)
    }

    pub(super) fn after_approval(&mut self, outcome: approval::Outcome) -> Task<Message> {
        match outcome {
            approval::Outcome::Waiting => Task::none(),
            approval::Outcome::Cancelled => {
                self.approval = None;
                self.refocus()
            }
            approval::Outcome::Refused(e) => {
                self.show(Level::Error, error_text::till_error(self.i18n, &e))
            }
            approval::Outcome::Approved(approval) => {
                self.approval = None;
                let retried = self
                    .dispatch(|screen, ctx| ctx.with_till(|ctx| screen.approved(&approval, ctx)));
                Task::batch([retried, self.refocus()])
            }
        }
    }
}
