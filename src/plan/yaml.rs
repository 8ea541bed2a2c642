//! `--format yaml`: the planned requests as a `transfers:` list to add to the
//! book, each entry written by serde_yaml and preceded by a comment naming its
//! wave (a comment, so the list loads against the schema as it is).

use serde_yaml::{Mapping, Value};

use super::view::{Scalar, View};
use super::Request;

/// The entries of the planned requests, indented by `indent` spaces, each
/// under a `# wave N` comment; empty when nothing is planned.
pub(crate) fn entries(view: &View<'_>, indent: usize) -> Result<String, serde_yaml::Error> {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    let mut wave = 0;
    for r in &view.plan.requests {
        if r.wave != wave {
            wave = r.wave;
            out.push_str(&format!("{pad}# wave {wave}\n"));
        }
        let text = serde_yaml::to_string(&vec![request(view, r)])?;
        for line in text.lines() {
            out.push_str(&pad);
            out.push_str(line);
            out.push('\n');
        }
    }
    Ok(out)
}

/// The whole `--format yaml` output: a header comment and the list.
pub(crate) fn document(view: &View<'_>) -> Result<String, serde_yaml::Error> {
    let plan = view.plan;
    let mut out = format!(
        "# eligo plan: {} from {} to {}; add them to the book's `{}` list\n",
        crate::report::human::plural(plan.requests.len(), "request"),
        comment_safe(view.from()),
        comment_safe(view.to()),
        view.spec.collection
    );
    if plan.requests.is_empty() {
        out.push_str(&format!("{}: []\n", view.spec.collection));
        return Ok(out);
    }
    out.push_str(&format!("{}:\n", view.spec.collection));
    out.push_str(&entries(view, 2)?);
    Ok(out)
}

/// Text for a comment: one line, no control characters.
fn comment_safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn scalar(s: &Scalar) -> Value {
    match s {
        Scalar::Str(t) => Value::String(t.clone()),
        Scalar::Int(i) => Value::Number((*i).into()),
        Scalar::Num(n) => Value::Number((*n).into()),
        Scalar::Bool(b) => Value::Bool(*b),
    }
}

fn mapping(fields: &[(String, Scalar)]) -> Mapping {
    let mut m = Mapping::new();
    for (k, v) in fields {
        m.insert(Value::String(k.clone()), scalar(v));
    }
    m
}

/// One request as a mapping, in the book's field order.
fn request(view: &View<'_>, r: &Request) -> Value {
    let (fields, items_name) = view.request_fields(r);
    let mut m = mapping(&fields);
    let items: Vec<Value> = r
        .rows
        .iter()
        .map(|&row| Value::Mapping(mapping(&view.item_fields(row))))
        .collect();
    m.insert(Value::String(items_name), Value::Sequence(items));
    Value::Mapping(m)
}
