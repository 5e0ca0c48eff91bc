//! The organisation (机构客户) on the sale: attached by 统一社会信用代码, id or name,
//! with a department; and the class III rule ([`check_device_sale`]) on the sale's
//! business date. Refused by default; a till set to warn lets it through once the
//! cashier acknowledges, and the sale records that it was sold under warning.

use chrono::{DateTime, Utc};

use super::{Till, TillError};
use crate::document::SaleOrganisation;
use crate::organisation::{Organisation, QualificationProblem, check_device_sale};

/// The organisation attached to the sale in progress, and the department named.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachedOrganisation {
    pub organisation: Organisation,
    pub department: Option<String>,
}

impl Till {
    pub fn organisation(&self) -> Option<&AttachedOrganisation> {
        self.organisation.as_ref()
    }

    /// Organisations the cashier may mean by `text`: the one with that code or id, else
    /// those whose name contains it.
    pub fn find_organisations(&self, text: &str) -> Result<Vec<Organisation>, TillError> {
        if let Some(found) = self.store.organisation_by_code(text)? {
            return Ok(vec![found]);
        }
        Ok(self.store.search_organisations(text)?)
    }

    /// Attaches the organisation `text` names: by code or id, or the only one whose name
    /// contains it.
    pub fn attach_organisation(&mut self, text: &str) -> Result<Organisation, TillError> {
        let mut found = self.find_organisations(text)?;
        let text = text.trim().to_string();
        match found.len() {
            0 => Err(TillError::OrganisationNotFound { key: text }),
            1 => {
                let organisation = found.remove(0);
                self.organisation = Some(AttachedOrganisation {
                    organisation: organisation.clone(),
                    department: None,
                });
                self.qualification_acknowledged = false;
                Ok(organisation)
            }
            count => Err(TillError::OrganisationAmbiguous { key: text, count }),
        }
    }

    /// Names the department buying (one the organisation has), or none.
    pub fn set_department(&mut self, department: Option<&str>) -> Result<(), TillError> {
        let attached = self
            .organisation
            .as_mut()
            .ok_or(TillError::NoOrganisation)?;
        let department = department.map(str::trim).filter(|d| !d.is_empty());
        if let Some(d) = department
            && !attached
                .organisation
                .departments
                .iter()
                .any(|known| known == d)
        {
            return Err(TillError::UnknownDepartment {
                department: d.to_string(),
            });
        }
        attached.department = department.map(str::to_string);
        Ok(())
    }

    pub fn detach_organisation(&mut self) {
        self.organisation = None;
        self.qualification_acknowledged = false;
    }

    /// What the class III rule finds wrong with the sale in progress on today's
    /// business date; `None` when nothing (or no organisation is attached).
    pub fn qualification_problem(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Option<QualificationProblem>, TillError> {
        let Some(attached) = &self.organisation else {
            return Ok(None);
        };
        let mut classes = Vec::with_capacity(self.cart.lines.len());
        for line in &self.cart.lines {
            let product = self.store.product(&line.product.sku)?;
            classes.push(product.and_then(|p| p.device_class));
        }
        let on = self.business_date(now);
        Ok(check_device_sale(&attached.organisation.qualifications, &classes, on).err())
    }

    /// The cashier read the qualification warning and sells anyway (a till set to warn).
    pub fn acknowledge_qualification_warning(&mut self) {
        self.qualification_acknowledged = true;
    }

    /// The organisation the sale being paid names, or why it may not be sold.
    pub(super) fn sale_organisation(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Option<SaleOrganisation>, TillError> {
        let Some(attached) = &self.organisation else {
            return Ok(None);
        };
        let sold_under_warning = match self.qualification_problem(now)? {
            None => None,
            Some(problem) if !self.config.qualification_warns => {
                return Err(TillError::QualificationRefused { problem });
            }
            Some(problem) if !self.qualification_acknowledged => {
                return Err(TillError::QualificationWarning { problem });
            }
            Some(problem) => Some(problem),
        };
        Ok(Some(SaleOrganisation {
            organisation_id: attached.organisation.id.clone(),
            name: attached.organisation.name.clone(),
            department: attached.department.clone(),
            sold_under_warning,
        }))
    }
}
