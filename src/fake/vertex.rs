//! The fake's Vertex AI side: the `LlmBidiService` route, bearer tokens checked per
//! connection, the `projects/P/locations/L/publishers/google/models/M` model path, express
//! mode (an API key and the `publishers/google/models/M` path, Part D.2), and
//! `lastConsumedClientMessageIndex` with transparent resumption (protocol.md Part C.4).
//!
//! Close reasons for a wrong model path are this fake's wording (the service's are not
//! documented; a Developer-API id on Vertex is reported to close 1008 with no detail, and
//! that is what the fake does).

use std::fmt;

use crate::sync::Mutex;

use super::validate::Reject;
use crate::config::Secret;

/// Which bearer tokens the fake accepts on the Vertex path.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum VertexTokens {
    /// Any non-empty token that no earlier upgrade to this server presented: proves the
    /// client asks its token provider again on every connect. The default.
    #[default]
    FreshPerConnect,
    /// The n-th upgrade to the Vertex path (0-based, counting those this check refused but
    /// not those the fault plan refused first) must present `tokens[n]`; upgrades beyond the
    /// list are refused.
    Sequence(Vec<String>),
}

impl fmt::Debug for VertexTokens {
    // By hand: tokens never appear in Debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VertexTokens::FreshPerConnect => f.write_str("FreshPerConnect"),
            VertexTokens::Sequence(t) => write!(f, "Sequence(<{} tokens redacted>)", t.len()),
        }
    }
}

/// Serve the Vertex AI path
/// (`/ws/google.cloud.aiplatform.{v1|v1beta1}.LlmBidiService/BidiGenerateContent`) for one
/// project and location, with `Authorization: Bearer` checked on every upgrade (HTTP 401 on a
/// missing, repeated or unexpected token, or an API key; 403 on a wrong
/// `x-goog-user-project`). The served model ids are [`FakeOptions::models`](super::FakeOptions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VertexFakeAuth {
    /// The project the model path must name. No default.
    pub project: String,
    /// The location the model path must name. No default.
    pub location: String,
    /// Which tokens are accepted. Defaults to [`VertexTokens::FreshPerConnect`].
    pub tokens: VertexTokens,
    /// The `x-goog-user-project` required, if any. Defaults to none (any or none accepted).
    pub user_project: Option<String>,
    /// Express mode: the API key accepted in `x-goog-api-key` instead of a bearer token; such
    /// a connection names its model `publishers/google/models/M`. Defaults to none (an API
    /// key is refused with 401).
    pub api_key: Option<Secret>,
}

impl VertexFakeAuth {
    /// Fresh tokens per connect, any user project.
    pub fn new(project: impl Into<String>, location: impl Into<String>) -> VertexFakeAuth {
        VertexFakeAuth {
            project: project.into(),
            location: location.into(),
            tokens: VertexTokens::default(),
            user_project: None,
            api_key: None,
        }
    }
}

/// Tokens presented on the Vertex path so far, in order.
#[derive(Default)]
pub(crate) struct TokenLog(Mutex<Vec<String>>);

/// Per-connection Vertex state.
#[derive(Debug, Default)]
pub(super) struct ConnVertex {
    /// The setup asked for `sessionResumption.transparent: true`.
    pub(super) transparent: bool,
    /// The upgrade presented an API key (express mode).
    pub(super) express: bool,
}

/// The API version of a Vertex path (also with a leading `//`).
pub(super) fn parse_route(path: &str) -> Option<String> {
    let rest = path.strip_prefix("//").or_else(|| path.strip_prefix('/'))?;
    let rest = rest.strip_prefix("ws/google.cloud.aiplatform.")?;
    let version = rest.strip_suffix(".LlmBidiService/BidiGenerateContent")?;
    matches!(version, "v1" | "v1beta1").then(|| version.to_string())
}

const UNAUTHENTICATED: &str = "Request is missing required authentication credential. \
     Expected OAuth 2 access token, login cookie or other valid authentication credential.";
const INVALID_CREDENTIALS: &str = "Request had invalid authentication credentials. Expected \
     OAuth 2 access token, login cookie or other valid authentication credential.";

/// Checks an upgrade's credentials: `Err((status, body))` refuses it.
pub(super) fn check_upgrade(
    auth: &VertexFakeAuth,
    log: &TokenLog,
    headers: &[(String, String)],
) -> Result<(), (u16, &'static str)> {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if let Some(key) = header("x-goog-api-key") {
        // Express mode: the key, and no bearer token with it.
        let ok = auth.api_key.as_ref().is_some_and(|k| k.expose() == key)
            && header("authorization").is_none();
        return if ok {
            Ok(())
        } else {
            Err((401, INVALID_CREDENTIALS))
        };
    }
    let token = header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("")
        .to_string();
    let mut seen = log.0.lock();
    let expected = match &auth.tokens {
        VertexTokens::FreshPerConnect => !token.is_empty() && !seen.contains(&token),
        VertexTokens::Sequence(list) => list.get(seen.len()) == Some(&token),
    };
    seen.push(token.clone());
    drop(seen);
    if token.is_empty() {
        return Err((401, UNAUTHENTICATED));
    }
    if !expected {
        return Err((401, INVALID_CREDENTIALS));
    }
    if let Some(want) = &auth.user_project {
        if header("x-goog-user-project") != Some(want.as_str()) {
            return Err((
                403,
                "The caller does not have permission on the user project.",
            ));
        }
    }
    Ok(())
}

/// The model id `M` of a setup `model` on the Vertex path, which must be
/// `projects/{project}/locations/{location}/publishers/google/models/M`, or in express mode
/// (`express`: the upgrade carried an API key) `publishers/google/models/M`.
pub(super) fn served_id<'a>(
    model: &'a str,
    auth: &VertexFakeAuth,
    express: bool,
) -> Result<&'a str, Reject> {
    if express {
        return match model.strip_prefix("publishers/google/models/") {
            Some(m) if !m.is_empty() && !m.contains('/') => Ok(m),
            _ => Err(Reject::new(
                1008,
                format!(
                    "Publisher Model `{model}` was not found or your project does not have \
                     access to it."
                ),
            )),
        };
    }
    let Some(rest) = model.strip_prefix("projects/") else {
        // A Developer-API id (`models/M`): the service closes 1008 with no detail.
        return Err(Reject::new(1008, ""));
    };
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        [p, "locations", l, "publishers", "google", "models", m] if !m.is_empty() => {
            if *p != auth.project || *l != auth.location {
                return Err(Reject::new(
                    1008,
                    format!(
                        "Permission denied on resource projects/{p}/locations/{l} (this \
                         endpoint serves projects/{}/locations/{}).",
                        auth.project, auth.location
                    ),
                ));
            }
            Ok(m)
        }
        _ => Err(Reject::new(
            1008,
            format!(
                "Publisher Model `{model}` was not found or your project does not have access \
                 to it."
            ),
        )),
    }
}

/// A message with `usageMetadata` as Vertex AI sends it (Part D.2): the response counts named
/// `candidatesTokenCount` / `candidatesTokensDetails`, plus `trafficType`. `None` for messages
/// without usage.
pub(super) fn usage_in_vertex_names(v: &serde_json::Value) -> Option<serde_json::Value> {
    let usage = v.get("usageMetadata")?.as_object()?;
    let mut renamed = serde_json::Map::new();
    for (k, val) in usage {
        let key = match k.as_str() {
            "responseTokenCount" => "candidatesTokenCount",
            "responseTokensDetails" => "candidatesTokensDetails",
            other => other,
        };
        renamed.insert(key.to_string(), val.clone());
    }
    renamed.insert("trafficType".into(), "ON_DEMAND".into());
    let mut out = v.clone();
    out["usageMetadata"] = serde_json::Value::Object(renamed);
    Some(out)
}

/// The reason for a model id that is not served, in Vertex's form.
pub(super) fn not_found(auth: &VertexFakeAuth, id: &str) -> Reject {
    Reject::new(
        1008,
        format!(
            "Publisher Model `projects/{}/locations/{}/publishers/google/models/{id}` was not \
             found or your project does not have access to it.",
            auth.project, auth.location
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(auth: &str) -> Vec<(String, String)> {
        vec![("authorization".into(), auth.into())]
    }

    #[test]
    fn routes() {
        let p = "/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent";
        assert_eq!(parse_route(p).as_deref(), Some("v1beta1"));
        assert_eq!(
            parse_route("//ws/google.cloud.aiplatform.v1.LlmBidiService/BidiGenerateContent")
                .as_deref(),
            Some("v1")
        );
        assert_eq!(
            parse_route("/ws/google.cloud.aiplatform.v1beta.LlmBidiService/BidiGenerateContent"),
            None
        );
        assert_eq!(
            parse_route(
                "/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent"
            ),
            None
        );
    }

    #[test]
    fn fresh_tokens_only_once() {
        let auth = VertexFakeAuth::new("p", "l");
        let log = TokenLog::default();
        assert!(check_upgrade(&auth, &log, &headers("Bearer t1")).is_ok());
        assert!(check_upgrade(&auth, &log, &headers("Bearer t2")).is_ok());
        assert_eq!(
            check_upgrade(&auth, &log, &headers("Bearer t1"))
                .unwrap_err()
                .0,
            401
        );
        assert_eq!(
            check_upgrade(&auth, &log, &headers("Token t3"))
                .unwrap_err()
                .0,
            401
        );
        assert_eq!(check_upgrade(&auth, &log, &[]).unwrap_err().0, 401);
    }

    #[test]
    fn sequence_and_user_project() {
        let mut auth = VertexFakeAuth::new("p", "l");
        auth.tokens = VertexTokens::Sequence(vec!["a".into(), "b".into()]);
        auth.user_project = Some("bill".into());
        let log = TokenLog::default();
        let mut h = headers("Bearer a");
        h.push(("x-goog-user-project".into(), "bill".into()));
        assert!(check_upgrade(&auth, &log, &h).is_ok());
        assert_eq!(
            check_upgrade(&auth, &log, &headers("Bearer a"))
                .unwrap_err()
                .0,
            401
        );
        // The third upgrade is beyond the list.
        assert_eq!(check_upgrade(&auth, &log, &h).unwrap_err().0, 401);
        let log = TokenLog::default();
        assert_eq!(
            check_upgrade(&auth, &log, &headers("Bearer a"))
                .unwrap_err()
                .0,
            403
        );
        assert!(!format!("{auth:?}").contains("\"a\""));
    }

    #[test]
    fn model_paths() {
        let auth = VertexFakeAuth::new("p", "us-central1");
        let ok = "projects/p/locations/us-central1/publishers/google/models/m";
        assert_eq!(served_id(ok, &auth, false).ok(), Some("m"));
        assert_eq!(served_id("models/m", &auth, false).unwrap_err().code, 1008);
        let e = served_id(
            "projects/q/locations/us-central1/publishers/google/models/m",
            &auth,
            false,
        )
        .unwrap_err();
        assert!(e.reason.contains("Permission denied"), "{}", e.reason);
        let e = served_id("projects/p/locations/us-central1/models/m", &auth, false).unwrap_err();
        assert!(e.reason.contains("not found"), "{}", e.reason);
    }

    #[test]
    fn express_mode_takes_the_key_and_the_publisher_path() {
        let mut auth = VertexFakeAuth::new("p", "global");
        let log = TokenLog::default();
        let key = vec![("x-goog-api-key".to_string(), "AIzaK".to_string())];
        assert_eq!(check_upgrade(&auth, &log, &key).unwrap_err().0, 401);
        auth.api_key = Some(Secret::new("AIzaK"));
        assert!(check_upgrade(&auth, &log, &key).is_ok());
        let wrong = vec![("x-goog-api-key".to_string(), "AIzaX".to_string())];
        assert_eq!(check_upgrade(&auth, &log, &wrong).unwrap_err().0, 401);
        assert!(!format!("{auth:?}").contains("AIzaK"));
        assert_eq!(
            served_id("publishers/google/models/m", &auth, true).ok(),
            Some("m")
        );
        assert!(served_id(
            "projects/p/locations/global/publishers/google/models/m",
            &auth,
            true
        )
        .is_err());
    }
}
