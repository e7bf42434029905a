//! Tools the model may use: function declarations and the built-in tools.

use crate::protocol::enums::*;
use crate::protocol::fields::*;
use serde::Serialize;

use super::Empty;
use serde_json::Value;

/// A tool: function declarations or a built-in tool.
#[derive(Serialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Tool {
    /// Functions the model may call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_declarations: Option<Vec<FunctionDeclaration>>,
    /// Google Search grounding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub google_search: Option<Empty>,
    /// Code execution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_execution: Option<Empty>,
    /// URL context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url_context: Option<Empty>,
    /// Grounding with Google Maps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub google_maps: Option<GoogleMaps>,
    /// Computer use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computer_use: Option<ComputerUse>,
    /// File search (Developer API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_search: Option<FileSearch>,
    /// Remote MCP servers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mcp_servers: Vec<McpServer>,
    /// The older search grounding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub google_search_retrieval: Option<GoogleSearchRetrieval>,
}

/// A function the model may call.
#[derive(Serialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FunctionDeclaration {
    /// The function name.
    pub name: String,
    /// What it does, for the model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// OpenAPI-style schema of the arguments (`{"type":"OBJECT",...}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Value>,
    /// Blocking or not; unset, the model's default (non-blocking on 3.8 Live).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub behavior: Option<Behavior>,
    /// Parameters as a JSON Schema (instead of `parameters`, an OpenAPI subset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters_json_schema: Option<Value>,
    /// The response as a JSON Schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_json_schema: Option<Value>,
}
