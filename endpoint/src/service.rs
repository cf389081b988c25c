//! Who receives the declarations: the operator's own name for this service
//! (`--service-name`, e.g. 「长汀县乡村振兴局 乡亲申报」) and the working days it promises per step
//! (`--deadlines`). Both are the operator's word, not the policy documents': the app shows the
//! name on the form and the receipt, and deadlines only when configured, as 「本服务承诺」.
use crate::AppState;
use axum::extract::State;
use axum::Json;
use std::fmt;
use xiangqin_api::Service;

/// Longest service name accepted (it is shown on a phone screen and a printed form).
pub const MAX_NAME_CHARS: usize = 60;

/// The operator's name for this service: trimmed, not empty, at most [`MAX_NAME_CHARS`]
/// characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceName(String);

impl ServiceName {
    pub fn parse(text: &str) -> Result<ServiceName, String> {
        let name = text.trim();
        if name.is_empty() {
            return Err("the service name is empty".into());
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "the service name is longer than {MAX_NAME_CHARS} characters"
            ));
        }
        if name.chars().any(char::is_control) {
            return Err("the service name contains a control character".into());
        }
        Ok(ServiceName(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ServiceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a receipt, a status and `GET /api/v1/service` say about who receives a declaration.
pub fn of(state: &AppState) -> Service {
    Service {
        service_name: state.service_name.as_ref().map(|n| n.to_string()),
        deadlines: state.deadlines.0.clone(),
    }
}

/// `GET /api/v1/service`
#[utoipa::path(get, path = "/v1/service", tag = "households",
    responses((status = 200, description = "Who receives the declarations (the operator's name for this service) and the working days it promises per step, if any. No personal data.", body = Service)))]
pub async fn info(State(state): State<AppState>) -> Json<Service> {
    Json(of(&state))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(
            ServiceName::parse("  长汀县乡村振兴局 乡亲申报 ")
                .unwrap()
                .as_str(),
            "长汀县乡村振兴局 乡亲申报"
        );
        assert!(ServiceName::parse("   ").is_err());
        assert!(ServiceName::parse(&"县".repeat(61)).is_err());
        assert!(ServiceName::parse(&"县".repeat(60)).is_ok());
        assert!(ServiceName::parse("乡亲\u{7}").is_err());
    }
}
