//! A connection's first message: the credentials, the setup and the session it opens or
//! resumes; and the resumption handles it issues.

use serde_json::{json, Value};

use super::lifecycle::behaviors;
use super::{Conn, SetupInfo, Step};
use crate::fake::schema::MODALITIES;
use crate::fake::turn::Modality;
use crate::fake::validate::{field, field_bool, field_str, parse_envelope, validate, Kind, Reject};

const UNREGISTERED: &str = "Method doesn't allow unregistered callers (callers without \
     established identity). Please use API Key or other form of API consumer identity to call \
     this API.";
const BAD_KEY: &str = "API key not valid. Please pass a valid API key.";

impl Conn {
    /// Handle one client data frame's text.
    pub(super) fn handle(&mut self, text: &str) -> Step {
        // On the Vertex path the bearer token was checked at the upgrade.
        if self.setup.is_none() && self.vertex.is_none() {
            self.check_auth().map_err(|r| self.reject(r))?;
        }
        let (kind, body) = parse_envelope(text).map_err(|r| self.reject(r))?;
        if (kind == Kind::Setup) == self.setup.is_some() {
            // A message before setup, or a second setup.
            return Err(self.reject(Reject::invalid_argument()));
        }
        validate(kind, &body, &self.version).map_err(|r| self.reject(r))?;
        if self.refuses_text(kind, &body) {
            // Transcribe and translate models take audio input only.
            return Err(self.reject(Reject::invalid_argument()));
        }
        match kind {
            Kind::Setup => self.on_setup(&body),
            Kind::ClientContent => self.on_client_content(&body),
            Kind::RealtimeInput => self.on_realtime_input(&body),
            Kind::ToolResponse => self.on_tool_response(&body),
            Kind::ContextUpdate => Ok(()),
        }
    }

    fn check_auth(&self) -> Result<(), Reject> {
        let Some(expected) = &self.shared.options.api_key else {
            return Ok(());
        };
        if self.creds.is_empty() {
            return Err(Reject::new(1008, UNREGISTERED));
        }
        if self.creds.iter().any(|c| c != expected) {
            return Err(Reject::new(1007, BAD_KEY));
        }
        Ok(())
    }

    fn on_setup(&mut self, body: &Value) -> Step {
        let model = field_str(body, "model").unwrap_or("");
        let express = self.vertex.as_ref().is_some_and(|v| v.express);
        let vertex = self.vertex.as_ref().and(self.shared.options.vertex.clone());
        let model = match &vertex {
            Some(auth) => {
                crate::fake::vertex::served_id(model, auth, express).map_err(|r| self.reject(r))?
            }
            None => model,
        };
        let id = model.strip_prefix("models/").unwrap_or(model);
        let retired = crate::models::lookup(id).is_some_and(|m| !m.status.is_current());
        let served = !retired
            && (self.shared.options.models.iter())
                .any(|m| m.strip_prefix("models/").unwrap_or(m) == id);
        if let (Some(auth), false) = (&vertex, served) {
            return Err(self.reject(crate::fake::vertex::not_found(auth, id)));
        }
        if id.is_empty() || !served {
            return Err(self.reject(Reject::new(
                1008,
                format!(
                    "models/{id} is not found for API version {}, or is not supported for \
                     bidiGenerateContent. Call ListModels to see the list of available models \
                     and their supported methods.",
                    self.version
                ),
            )));
        }
        let modalities: Vec<String> = field(body, "generationConfig")
            .and_then(|g| field(g, "responseModalities"))
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|m| match m {
                        Value::String(s) => s.clone(),
                        other => other
                            .as_u64()
                            .and_then(|i| MODALITIES.get(i as usize))
                            .map(|s| s.to_string())
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if modalities.len() > 1 {
            let quoted: Vec<String> = modalities.iter().map(|m| format!("'{m}'")).collect();
            return Err(self.reject(Reject::new(
                1007,
                format!(
                    "responseModalities must have one entry, got [{}]",
                    quoted.join(", ")
                ),
            )));
        }
        let modality = match modalities.first().map(String::as_str) {
            None | Some("AUDIO") | Some("MODALITY_UNSPECIFIED") => Modality::Audio,
            Some("TEXT") => Modality::Text,
            Some(_) => return Err(self.reject(Reject::invalid_argument())),
        };
        // The model's own rules, with the service's close codes (capability table).
        let model = crate::models::lookup(id);
        if let Some(r) = model.and_then(|m| crate::models::violation(m, body)) {
            return Err(self.reject(Reject::new(r.code, r.reason)));
        }
        let vad = !field(body, "realtimeInputConfig")
            .and_then(|r| field(r, "automaticActivityDetection"))
            .is_some_and(|a| field_bool(a, "disabled"));
        let resumption = field(body, "sessionResumption");
        if let Some(v) = self.vertex.as_mut() {
            v.transparent = resumption.is_some_and(|r| field_bool(r, "transparent"));
        }
        let handle = resumption
            .and_then(|r| field_str(r, "handle"))
            .filter(|h| !h.is_empty());
        let session = match handle {
            Some(h) => {
                let h = h.to_string();
                self.shared
                    .update(self.index, |r| r.resumed_handle = Some(h.clone()));
                let ttl = self.shared.options.handle_ttl;
                self.shared
                    .store
                    .resume(&h, self.index, ttl)
                    .map_err(|r| self.reject(r))?
            }
            None => self.shared.store.create(self.index),
        };
        self.session = Some(session);
        self.setup = Some(SetupInfo {
            modality,
            vad,
            resumption: resumption.is_some(),
            input_transcription: field(body, "inputAudioTranscription").is_some(),
            output_transcription: field(body, "outputAudioTranscription").is_some(),
            model,
            behaviors: behaviors(body),
            target_language: field(body, "generationConfig")
                .and_then(|g| field(g, "translationConfig"))
                .and_then(|t| field_str(t, "targetLanguageCode"))
                .map(str::to_string),
            initial_history: field(body, "historyConfig")
                .is_some_and(|h| field_bool(h, "initialHistoryInClientContent")),
        });
        self.send(&json!({"setupComplete": {}}))?;
        if resumption.is_some() {
            self.send_new_handle()?;
        }
        Ok(())
    }

    pub(super) fn send_new_handle(&mut self) -> Step {
        let ttl = self.shared.options.handle_ttl;
        let handle = self.shared.store.issue_handle(self.session_id(), ttl);
        let update = json!({"newHandle": handle, "resumable": true});
        self.send(&json!({ "sessionResumptionUpdate": self.with_consumed_index(update) }))
    }

    /// Vertex with transparent resumption: add `lastConsumedClientMessageIndex`, the 0-based
    /// index among this connection's client messages (`setup` = 0) of the last one handled,
    /// as an int64 in canonical proto3 JSON (a string).
    pub(super) fn with_consumed_index(&self, mut update: Value) -> Value {
        if self.vertex.as_ref().is_some_and(|v| v.transparent) {
            let last = self.received.saturating_sub(1).to_string();
            update["lastConsumedClientMessageIndex"] = Value::String(last);
        }
        update
    }
}
