//! `--format partner-center`: one create-transfer call per planned request, as
//! `POST /v1/customers/{customer-tenant-id}/transfers` with the legacy
//! direct-to-indirect body (PARTNER-CENTER.md section 5.4).
//!
//! The body names the partners' and the customer's Partner Center tenant ids
//! (`tenant_id`) and each subscription's id (`pc_id`); `partnerIdOnRecord` is
//! the source's `mpn_id` when it has one. Add-ons whose base is in the same
//! request are left out: Partner Center adds them under the base itself.

use miette::Diagnostic;
use serde_json::{json, Value};
use thiserror::Error;

use super::view::View;
use crate::schema::KindId;

/// Entities without the Partner Center id a body needs (exit 2).
#[derive(Debug, Error, Diagnostic)]
#[error("{count} {noun} lack the Partner Center ids the create-transfer bodies need")]
#[diagnostic(code(eligo::plan::missing_partner_center_id))]
pub(crate) struct MissingIds {
    /// How many.
    pub count: usize,
    /// "entity" or "entities".
    pub noun: &'static str,
    /// One line per entity: where, which, what field.
    #[help]
    pub help: String,
}

/// The calls as a JSON array, or the entities that lack an id.
pub(crate) fn calls(view: &View<'_>, path: &str) -> Result<Value, MissingIds> {
    let mut missing: Vec<String> = Vec::new();
    let spec = view.spec;
    let mut get = |kind: KindId, row: u32, field: &str| -> String {
        let schema = &view.program.schema;
        let value = schema.kind(kind).field(field).and_then(|f| {
            let cell = view.store.cell(kind, f, row);
            (cell != crate::scenario::store::NONE).then(|| view.store.str(cell).to_string())
        });
        value.unwrap_or_else(|| {
            let pos = view.store.pos(kind, row);
            let line = format!(
                "{path}:{}:{}: {} `{}` has no `{field}`",
                pos.line,
                pos.column,
                schema.kind(kind).name,
                view.id(kind, row)
            );
            if !missing.contains(&line) {
                missing.push(line);
            }
            String::new()
        })
    };
    let source = get(spec.party_kind, view.plan.from, "tenant_id");
    let target = get(spec.party_kind, view.plan.to, "tenant_id");
    let mpn = optional(view, spec.party_kind, view.plan.from, "mpn_id");
    let mut out = Vec::new();
    for r in &view.plan.requests {
        let customer = get(spec.group_kind, r.group, "tenant_id");
        let mut items = Vec::new();
        let in_request: std::collections::HashSet<u32> = r.rows.iter().copied().collect();
        for &row in &r.rows {
            if moves_with_another(view, &in_request, row) {
                continue;
            }
            let id = get(spec.moved, row, "pc_id");
            let item = match &mpn {
                Some(m) => json!({ "subscriptionId": id, "partnerIdOnRecord": m }),
                None => json!({ "subscriptionId": id }),
            };
            items.push(item);
        }
        out.push(json!({
            "request": r.id,
            "wave": r.wave,
            "method": "POST",
            "path": format!("/v1/customers/{}/transfers", path_segment(&customer)),
            "body": {
                "sourcePartnerTenantId": source,
                "targetPartnerTenantId": target,
                "lineItems": items,
            }
        }));
    }
    if missing.is_empty() {
        return Ok(Value::Array(out));
    }
    let count = missing.len();
    Err(MissingIds {
        count,
        noun: if count == 1 { "entity" } else { "entities" },
        help: format!(
            "add each id (as `eligo import` writes it), then plan again:\n{}",
            missing.join("\n")
        ),
    })
}

fn optional(view: &View<'_>, kind: KindId, row: u32, field: &str) -> Option<String> {
    let f = view.program.schema.kind(kind).field(field)?;
    let cell = view.store.cell(kind, f, row);
    (cell != crate::scenario::store::NONE).then(|| view.store.str(cell).to_string())
}

/// Whether `row` moves with another entity of the same request.
fn moves_with_another(view: &View<'_>, rows: &std::collections::HashSet<u32>, row: u32) -> bool {
    let Some(with) = view.spec.with else {
        return false;
    };
    let target = view.store.cell(view.spec.moved, with, row);
    target != crate::scenario::store::NONE && rows.contains(&target)
}

/// A URL path segment: unreserved characters as they are, every other byte
/// percent-encoded (a tenant id is a GUID, but the book is user input).
fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(super::path_segment("ab-12.x_~"), "ab-12.x_~");
        assert_eq!(super::path_segment("a/b c?é"), "a%2Fb%20c%3F%C3%A9");
    }
}
