//! Login with lock-out, and manager approvals recorded on the documents they approve.

use chrono::{DateTime, Utc};

use super::{NewOperator, Till, TillError};
use crate::document::Approval;
use crate::operator::{
    LockoutPolicy, LoginState, ManagerAction, Operator, Role, check_lock, hash_pin, permits,
    record_failure, verify_pin,
};
use crate::store::OperatorRow;

impl Till {
    pub fn add_operator(&mut self, new: NewOperator<'_>) -> Result<(), TillError> {
        let hash = hash_pin(new.pin, new.salt).map_err(|_| TillError::BadPinFormat)?;
        self.store
            .add_operator(new.id, new.name, new.role.code(), &hash)?;
        Ok(())
    }

    pub fn operators(&self) -> Result<Vec<Operator>, TillError> {
        self.store
            .operators()?
            .into_iter()
            .map(to_operator)
            .collect()
    }

    /// Checks the PIN; after too many wrong ones the operator is locked for a while.
    fn check_pin(
        &mut self,
        operator_id: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<Operator, TillError> {
        let row = self
            .store
            .operator(operator_id)?
            .ok_or_else(|| TillError::UnknownOperator {
                operator_id: operator_id.to_string(),
            })?;
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
