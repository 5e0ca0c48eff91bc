//! Login with lock-out, manager approvals recorded on the documents they approve, and
//! the managers' list of operators: add, reset a PIN, deactivate.

use chrono::{DateTime, Utc};

use super::{NewOperator, Till, TillError};
use crate::document::{Approval, Document, DocumentBody, OperatorAction, OperatorChange};
use crate::operator::{
    LockoutPolicy, LoginState, ManagerAction, Operator, OperatorError, OperatorStatus, Role,
    check_deactivation, check_lock, check_new_operator, hash_pin, permits, record_failure,
    verify_pin,
};
use crate::store::OperatorRow;
use crate::store::operators;

impl Till {
    /// Adds an operator without asking who is logged in: the till's first manager at
    /// set-up and `pos init` (no document: nobody is logged in to have done it). From
    /// the till window use [`Till::add_operator_as_manager`]. Refuses a malformed id,
    /// name or PIN and an id already used (deactivated operators keep theirs, so an id
    /// always means one person in the documents).
    pub fn add_operator(&mut self, new: NewOperator<'_>) -> Result<(), TillError> {
        let hash = self.checked_new_operator(&new)?;
        self.store
            .add_operator(new.id, new.name, new.role.code(), &hash)?;
        Ok(())
    }

    /// A logged-in manager adds an operator; an `operator_change` document records who
    /// added whom and when, in the same transaction.
    pub fn add_operator_as_manager(
        &mut self,
        new: NewOperator<'_>,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        self.logged_in_manager()?;
        let hash = self.checked_new_operator(&new)?;
        self.commit(now, Vec::new(), |tx, _, _| {
            operators::insert(tx, new.id, new.name, new.role.code(), &hash)?;
            Ok(change_of(new.id, new.name, new.role, OperatorAction::Added))
        })
    }

    /// A logged-in manager gives an active operator a new PIN, hashed with a fresh salt; this
    /// also ends a lock-out and forgets wrong PINs counted. Recorded as a document.
    pub fn reset_pin(
        &mut self,
        operator_id: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        self.logged_in_manager()?;
        let row = self.existing_operator(operator_id)?;
        if !row.active {
            return Err(OperatorError::Inactive {
                operator_id: row.id,
            }
            .into());
        }
        let hash = hash_pin(pin, fresh_salt()).map_err(|_| TillError::BadPinFormat)?;
        let subject = to_operator(row)?;
        self.commit(now, Vec::new(), |tx, _, _| {
            operators::set_pin_hash(tx, operator_id, &hash)?;
            Ok(change_of(
                &subject.id,
                &subject.name,
                subject.role,
                OperatorAction::PinReset,
            ))
        })
    }

    /// A logged-in manager deactivates an operator (停用): they can no longer log in or
    /// approve, and keep their name on the documents they made. Never oneself, never the
    /// last active manager. Recorded as a document.
    pub fn deactivate_operator(
        &mut self,
        operator_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        let actor_id = self.logged_in_manager()?.id.clone();
        let row = self.existing_operator(operator_id)?;
        let target = to_status(row, None)?;
        check_deactivation(&actor_id, &target, self.store.active_managers()?)?;
        self.commit(now, Vec::new(), |tx, _, _| {
            operators::deactivate(tx, operator_id)?;
            Ok(change_of(
                &target.id,
                &target.name,
                target.role,
                OperatorAction::Deactivated,
            ))
        })
    }

    /// The new operator's PIN hash, once id, name and PIN pass and the id is free.
    fn checked_new_operator(&self, new: &NewOperator<'_>) -> Result<String, TillError> {
        check_new_operator(new.id, new.name)?;
        if self.store.operator(new.id)?.is_some() {
            return Err(OperatorError::DuplicateId {
                operator_id: new.id.to_string(),
            }
            .into());
        }
        hash_pin(new.pin, fresh_salt()).map_err(|_| TillError::BadPinFormat)
    }

    /// The operators who may log in, by id.
    pub fn operators(&self) -> Result<Vec<Operator>, TillError> {
        self.store
            .operators()?
            .into_iter()
            .filter(|row| row.active)
            .map(to_operator)
            .collect()
    }

    /// Every operator, deactivated ones included, with any lock-out in force at `now`:
    /// the managers' list.
    pub fn operator_statuses(&self, now: DateTime<Utc>) -> Result<Vec<OperatorStatus>, TillError> {
        self.store
            .operators()?
            .into_iter()
            .map(|row| to_status(row, Some(now)))
            .collect()
    }

    /// The logged-in operator when they are a manager.
    fn logged_in_manager(&self) -> Result<&Operator, TillError> {
        let operator = self.logged_in()?;
        if operator.role != Role::Manager {
            return Err(TillError::NotAManager {
                operator_id: operator.id.clone(),
            });
        }
        Ok(operator)
    }

    fn existing_operator(&self, operator_id: &str) -> Result<OperatorRow, TillError> {
        self.store
            .operator(operator_id)?
            .ok_or_else(|| TillError::UnknownOperator {
                operator_id: operator_id.to_string(),
            })
    }

    /// Checks the PIN; after too many wrong ones the operator is locked for a while.
    fn check_pin(
        &mut self,
        operator_id: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<Operator, TillError> {
        let row = self.existing_operator(operator_id)?;
        // Refused before the PIN is checked: a deactivated operator has no tries to count.
        if !row.active {
            return Err(OperatorError::Inactive {
                operator_id: row.id,
            }
            .into());
        }
        let state = LoginState {
            failures: row.failures,
            locked_until: row.locked_until,
        };
        check_lock(&state, now).map_err(|_| TillError::Locked {
            until: row.locked_until.unwrap_or(now),
        })?;
        if verify_pin(pin, &row.pin_hash) {
            if row.failures > 0 || row.locked_until.is_some() {
                self.store.set_login_state(operator_id, 0, None)?;
            }
            return to_operator(row);
        }
        let policy = LockoutPolicy::default();
        let next = record_failure(&state, &policy, now);
        self.store
            .set_login_state(operator_id, next.failures, next.locked_until)?;
        match next.locked_until {
            Some(until) if until > now => Err(TillError::Locked { until }),
            _ => Err(TillError::WrongPin {
                attempts_left: policy.max_failures.saturating_sub(next.failures),
            }),
        }
    }

    pub fn login(
        &mut self,
        operator_id: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<Operator, TillError> {
        let operator = self.check_pin(operator_id, pin, now)?;
        self.operator = Some(operator.clone());
        Ok(operator)
    }

    pub fn logout(&mut self) {
        self.operator = None;
    }

    /// A manager's PIN for an action a cashier may not do alone (授权). The approval is
    /// then passed to the action and recorded on its document.
    pub fn approve(
        &mut self,
        manager_id: &str,
        pin: &str,
        action: ManagerAction,
        now: DateTime<Utc>,
    ) -> Result<Approval, TillError> {
        let manager = self.check_pin(manager_id, pin, now)?;
        if !permits(manager.role, action) {
            return Err(TillError::NotAManager {
                operator_id: manager.id,
            });
        }
        Ok(Approval {
            action: action.code().to_string(),
            manager_id: manager.id,
            at: now,
        })
    }

    /// The approvals an action needs: none when the logged-in operator may do it
    /// themselves (a manager approves their own action, recorded as such), else a
    /// matching approval from `given`.
    pub(super) fn require(
        &self,
        action: ManagerAction,
        given: Option<&Approval>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Approval>, TillError> {
        let operator = self.logged_in()?;
        if permits(operator.role, action) {
            return Ok(vec![Approval {
                action: action.code().to_string(),
                manager_id: operator.id.clone(),
                at: now,
            }]);
        }
        match given {
            Some(a) if a.action == action.code() => Ok(vec![a.clone()]),
            _ => Err(TillError::ApprovalRequired {
                action: action.code(),
            }),
        }
    }
}

fn change_of(id: &str, name: &str, role: Role, action: OperatorAction) -> DocumentBody {
    DocumentBody::OperatorChange(OperatorChange {
        subject_id: id.to_string(),
        subject_name: name.to_string(),
        subject_role: role,
        action,
    })
}

fn to_operator(row: OperatorRow) -> Result<Operator, TillError> {
    let role = Role::from_code(&row.role).ok_or_else(|| {
        TillError::Store(crate::store::StoreError::corrupt(
            "operator role",
            row.role.clone(),
        ))
    })?;
    Ok(Operator {
        id: row.id,
        name: row.name,
        role,
        pin_hash: row.pin_hash,
    })
}

/// The list's view of a row; `now` decides whether a lock is still in force.
fn to_status(row: OperatorRow, now: Option<DateTime<Utc>>) -> Result<OperatorStatus, TillError> {
    let locked_until = match (row.locked_until, now) {
        (Some(until), Some(now)) => {
            let state = LoginState {
                failures: row.failures,
                locked_until: Some(until),
            };
            check_lock(&state, now).is_err().then_some(until)
        }
        (until, None) => until,
        (None, Some(_)) => None,
    };
    let active = row.active;
    let operator = to_operator(row)?;
    Ok(OperatorStatus {
        id: operator.id,
        name: operator.name,
        role: operator.role,
        active,
        locked_until,
    })
}

/// A PIN hash's salt. The Till draws it (the domain's `hash_pin` takes it as an
/// argument and draws nothing), so no caller can hand in a weak one.
fn fresh_salt() -> [u8; 16] {
    rand::random()
}
