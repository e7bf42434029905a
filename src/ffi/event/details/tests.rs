//! `gemini_live_event_tool_call_stream` on synthetic TOOL_CALL events: the streamed pieces
//! with the keys the header documents, `will_continue`, and the refusals.

use super::super::*;
use crate::protocol::FunctionCall;
use serde_json::{json, Value};
use std::ffi::CStr;
use std::ptr::null;

fn tool_call(calls: Value) -> gemini_live_event {
    let calls: Vec<FunctionCall> = serde_json::from_value(calls).expect("function calls");
    gemini_live_event::new(Event::ToolCall(calls))
}

/// The accessor's JSON and `will_continue` for call `index`, or its result code.
fn stream(ev: &gemini_live_event, index: usize) -> Result<(Value, bool), gemini_live_result> {
    let (mut json, mut more) = (null(), false);
    let r = unsafe { gemini_live_event_tool_call_stream(ev, index, &mut json, &mut more) };
    if r != GEMINI_LIVE_OK {
        return Err(r);
    }
    let text = unsafe { CStr::from_ptr(json) }.to_str().expect("UTF-8");
    Ok((serde_json::from_str(text).expect("JSON"), more))
}

#[test]
fn streamed_arguments_come_with_the_documented_snake_case_keys() {
    let ev = tool_call(json!([
        {"id": "c2", "name": "book", "willContinue": true, "partialArgs": [
            {"jsonPath": "$.city", "stringValue": "Par", "willContinue": true},
            {"jsonPath": "$.nights", "numberValue": 3},
            {"jsonPath": "$.pets", "boolValue": false},
            {"jsonPath": "$.note", "nullValue": "NULL_VALUE"}]},
        {"id": "c3", "name": "plain", "args": {"a": 1}}
    ]));
    let (args, more) = stream(&ev, 0).expect("call 0");
    assert_eq!(
        args,
        json!([
            {"json_path": "$.city", "string_value": "Par", "will_continue": true},
            {"json_path": "$.nights", "number_value": 3},
            {"json_path": "$.pets", "bool_value": false},
            {"json_path": "$.note", "null_value": "NULL_VALUE"}
        ])
    );
    assert!(more);
    // A streamed call has no `args`: the accessor still gives the documented JSON object.
    let (mut id, mut name, mut args) = (null(), null(), null());
    let r = unsafe { gemini_live_event_tool_call(&ev, 0, &mut id, &mut name, &mut args) };
    assert_eq!(r, GEMINI_LIVE_OK);
    assert_eq!(unsafe { CStr::from_ptr(args) }.to_str(), Ok("{}"));
    assert_eq!(stream(&ev, 1).expect("call 1"), (json!([]), false));
    assert_eq!(stream(&ev, 2), Err(GEMINI_LIVE_INVALID_ARGUMENT));
}

#[test]
fn other_events_and_nulls_are_refused() {
    let ev = gemini_live_event::new(Event::Interrupted);
    assert_eq!(stream(&ev, 0), Err(GEMINI_LIVE_WRONG_EVENT_TYPE));
    let (mut json, mut more) = (null(), false);
    let call = tool_call(json!([{"id": "c", "name": "f"}]));
    let r =
        unsafe { gemini_live_event_tool_call_stream(&call, 0, std::ptr::null_mut(), &mut more) };
    assert_eq!(r, GEMINI_LIVE_NULL_ARGUMENT);
    let r = unsafe { gemini_live_event_tool_call_stream(null(), 0, &mut json, &mut more) };
    assert_eq!(r, GEMINI_LIVE_NULL_ARGUMENT);
}
