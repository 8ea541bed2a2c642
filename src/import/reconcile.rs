//! `eligo reconcile`: Partner Center's own eligibility answers
//! (`transferseligibility.json`) against eligo's findings for the same
//! subscriptions. A disagreement is how a team notices that Microsoft's
//! behaviour and the rule pack have drifted apart.
//!
//! eligo judges a subscription as an item of an open transfer request (the
//! transfer rules) and on its own (rules whose subject it is): it rejects one
//! when an error finding names it, or names an open request that lists it.
//! Partner Center answers for every subscription it is asked about; those in no
//! open request of the scenario, with no error of their own, are listed as not
//! compared rather than counted as agreement.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

use super::error::{at, ImportCode, ImportError};
use super::json;
use super::map::{EligibilityField as E, Map};
use super::read::ExportDir;
use super::record::{required, Rec};
use crate::report::FileReport;
use crate::vocab::Severity;

/// One Partner Center answer for one subscription.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    /// Subscription id (lower case).
    pub pc_id: String,
    /// Whether Partner Center says it can move.
    pub eligible: bool,
    /// Its reason when it cannot.
    pub reason: Option<String>,
    /// Where the answer is: file index and byte range.
    pub place: (usize, (usize, usize)),
}

/// Reads every eligibility answer of the exports.
pub(crate) fn answers(
    dirs: &[ExportDir],
    map: &Map,
) -> (
    Vec<Answer>,
    Vec<crate::source::SourceFile>,
    Vec<ImportError>,
) {
    let (mut out, mut files, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    let f = &map.raw.files;
    for dir in dirs {
        let folders = match dir.folders(&f.customer_folder) {
            Ok(v) => v,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        for name in folders {
            match dir.read(&format!("{}/{name}/{}", f.customer_folder, f.eligibility)) {
                Ok(Some(file)) => {
                    files.push(file);
                    let index = files.len() - 1;
                    if let Some(file) = files.get(index) {
                        read_answers(file, index, map, &mut out, &mut errors);
                    }
                }
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
        }
    }
    (out, files, errors)
}

fn read_answers(
    file: &crate::source::SourceFile,
    index: usize,
    map: &Map,
    out: &mut Vec<Answer>,
    errors: &mut Vec<ImportError>,
) {
    let value = match json::parse(file) {
        Ok(v) => v,
        Err(e) => return errors.push(e),
    };
    let items = match json::list_of(file, &value, &map.raw.list_items) {
        Ok(items) => items,
        Err(e) => return errors.push(e),
    };
    let paths = &map.raw.eligibility;
    for item in items {
        let Some(object) = item.as_object() else {
            errors.push(at(
                ImportCode::WrongType,
                file,
                json::range(item),
                "an eligibility answer is not a JSON object",
                "expected an object",
                None,
            ));
            continue;
        };
        let rec = Rec::from_json(object, paths);
        let id = match required(
            file,
            &rec,
            E::Subscription,
            "an eligibility answer",
            paths.get(&E::Subscription),
        ) {
            Ok(id) => id.to_lowercase(),
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let eligible = match rec.get(E::Eligible) {
            Some(c) if c.is_bool => c.text == "true",
            other => {
                let span = other.map_or((rec.span.0, rec.span.0 + 1), |c| c.span);
                errors.push(at(
                    ImportCode::WrongType,
                    file,
                    span,
                    "an eligibility answer has no boolean `isEligible`",
                    "expected `true` or `false`",
                    None,
                ));
                continue;
            }
        };
        let span = rec.get(E::Subscription).map_or(rec.span, |c| c.span);
        out.push(Answer {
            pc_id: id,
            eligible,
            reason: rec.text(E::Reason).map(str::to_string),
            place: (index, span),
        });
    }
}

/// The parts of a scenario reconcile needs (it has been checked already).
#[derive(Debug, Deserialize)]
pub(crate) struct Book {
    /// Subscriptions.
    #[serde(default)]
    pub subscriptions: Vec<BookSubscription>,
    /// Transfer requests.
    #[serde(default)]
    pub transfers: Vec<BookTransfer>,
}

/// A subscription's id and Partner Center id.
#[derive(Debug, Deserialize)]
pub(crate) struct BookSubscription {
    /// Readable id.
    pub id: String,
    /// Partner Center id.
    pub pc_id: Option<String>,
}

/// A transfer request's id, status and items.
#[derive(Debug, Deserialize)]
pub(crate) struct BookTransfer {
    /// Readable id.
    pub id: String,
    /// Status.
    pub status: String,
    /// Items.
    #[serde(default)]
    pub items: Vec<BookItem>,
}

/// A transfer item.
#[derive(Debug, Deserialize)]
pub(crate) struct BookItem {
    /// Subscription id.
    pub subscription: String,
}

/// How one answer compares.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Comparison {
    /// The scenario's subscription id.
    pub subscription: String,
    /// The Partner Center id.
    pub pc_id: String,
    /// Partner Center's answer.
    pub partner_center_eligible: bool,
    /// Its reason text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The rule the reason text maps to in the mapping, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_rule: Option<String>,
    /// eligo's error findings on it (rule ids).
    pub eligo_rules: Vec<String>,
    /// Where the answer is (path:line:column).
    pub answer: String,
}

/// The whole comparison.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Reconciliation {
    /// The scenario file.
    pub scenario: String,
    /// Both agree (both eligible, or both not).
    pub agreed: Vec<Comparison>,
    /// Partner Center rejects, eligo does not.
    pub partner_center_only: Vec<Comparison>,
    /// eligo rejects, Partner Center does not.
    pub eligo_only: Vec<Comparison>,
    /// In no open request of the scenario and without an error of its own.
    pub not_compared: Vec<Comparison>,
}

impl Reconciliation {
    /// Whether the two disagree anywhere.
    pub(crate) fn disagrees(&self) -> bool {
        !self.partner_center_only.is_empty() || !self.eligo_only.is_empty()
    }
}

/// Compares the answers with the report's findings.
pub(crate) fn reconcile(
    report: &FileReport,
    book: &Book,
    answers: &[Answer],
    files: &[crate::source::SourceFile],
    map: &Map,
) -> Result<Reconciliation, Vec<ImportError>> {
    let by_pc: HashMap<String, &str> = book
        .subscriptions
        .iter()
        .filter_map(|s| Some((s.pc_id.as_ref()?.to_lowercase(), s.id.as_str())))
        .collect();
    let mut open: HashMap<&str, Vec<&str>> = HashMap::new();
    for t in book
        .transfers
        .iter()
        .filter(|t| matches!(t.status.as_str(), "active" | "in_progress"))
    {
        for item in &t.items {
            open.entry(item.subscription.as_str())
                .or_default()
                .push(t.id.as_str());
        }
    }
    let mut errors_by_subject: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for f in report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error && f.waived.is_none())
    {
        errors_by_subject
            .entry(f.subject.as_str())
            .or_default()
            .insert(f.rule.to_string());
    }
    let mut out = Reconciliation {
        scenario: report.path.clone(),
        ..Reconciliation::default()
    };
    let mut errors = Vec::new();
    for a in answers {
        let file = files.get(a.place.0);
        let Some(&sub) = by_pc.get(&a.pc_id) else {
            if let Some(file) = file {
                errors.push(at(
                    ImportCode::UnknownReference,
                    file,
                    a.place.1,
                    format!(
                        "subscription `{}` is in no `pc_id` of `{}`",
                        a.pc_id, report.path
                    ),
                    "not in the scenario",
                    Some(
                        "reconcile the scenario imported from these exports (`eligo import`)"
                            .into(),
                    ),
                ));
            }
            continue;
        };
        let requests = open.get(sub).map(Vec::as_slice).unwrap_or(&[]);
        let mut rules: BTreeSet<String> = errors_by_subject.get(sub).cloned().unwrap_or_default();
        for t in requests {
            rules.extend(errors_by_subject.get(t).into_iter().flatten().cloned());
        }
        let place = file.map_or(String::new(), |f| {
            let (line, column) = f.line_col(a.place.1 .0);
            format!("{}:{line}:{column}", f.name)
        });
        let c = Comparison {
            subscription: sub.to_string(),
            pc_id: a.pc_id.clone(),
            partner_center_eligible: a.eligible,
            reason: a.reason.clone(),
            reason_rule: a
                .reason
                .as_deref()
                .and_then(|r| map.reason_rule(r))
                .map(str::to_string),
            eligo_rules: rules.iter().cloned().collect(),
            answer: place,
        };
        let eligo_rejects = !rules.is_empty();
        let list = match (a.eligible, eligo_rejects) {
            (true, false) if requests.is_empty() => &mut out.not_compared,
            (false, false) if requests.is_empty() => &mut out.not_compared,
            (true, false) | (false, true) => &mut out.agreed,
            (false, false) => &mut out.partner_center_only,
            (true, true) => &mut out.eligo_only,
        };
        list.push(c);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The human report.
pub(crate) fn render_human(r: &Reconciliation) -> String {
    use crate::escape::text as esc;
    use std::fmt::Write;
    let mut s = String::new();
    let total =
        r.agreed.len() + r.partner_center_only.len() + r.eligo_only.len() + r.not_compared.len();
    let _ = writeln!(
        s,
        "{}: {total} Partner Center eligibility answers",
        esc(&r.scenario)
    );
    let _ = writeln!(s, "\nagreed: {}", r.agreed.len());
    for c in &r.agreed {
        let verdict = if c.partner_center_eligible {
            "eligible".to_string()
        } else {
            format!("not eligible ({})", esc(&c.eligo_rules.join(", ")))
        };
        let _ = writeln!(s, "  {}: {verdict}", esc(&c.subscription));
    }
    let _ = writeln!(
        s,
        "\nPartner Center rejects, eligo does not: {}",
        r.partner_center_only.len()
    );
    for c in &r.partner_center_only {
        let _ = writeln!(
            s,
            "  {}: \"{}\"",
            esc(&c.subscription),
            esc(c.reason.as_deref().unwrap_or(""))
        );
        match &c.reason_rule {
            Some(rule) => {
                let _ = writeln!(
                    s,
                    "    the mapping reads this as `{}`, which found nothing here",
                    esc(rule)
                );
            }
            None => {
                let _ = writeln!(s, "    no reason pattern of the mapping matches this text");
            }
        }
        let _ = writeln!(s, "    at {}", esc(&c.answer.to_string()));
    }
    let _ = writeln!(
        s,
        "\neligo rejects, Partner Center does not: {}",
        r.eligo_only.len()
    );
    for c in &r.eligo_only {
        let _ = writeln!(
            s,
            "  {}: {}",
            esc(&c.subscription),
            esc(&c.eligo_rules.join(", "))
        );
        let _ = writeln!(s, "    at {}", esc(&c.answer.to_string()));
    }
    let _ = writeln!(
        s,
        "\nnot compared (in no open transfer request of the scenario): {}",
        r.not_compared.len()
    );
    for c in &r.not_compared {
        let verdict = if c.partner_center_eligible {
            "eligible".to_string()
        } else {
            format!(
                "not eligible: \"{}\"",
                esc(c.reason.as_deref().unwrap_or(""))
            )
        };
        let _ = writeln!(
            s,
            "  {}: Partner Center says {verdict}",
            esc(&c.subscription)
        );
    }
    let disagreements = r.partner_center_only.len() + r.eligo_only.len();
    let _ = writeln!(
        s,
        "\n{} agreed, {disagreements} disagreed, {} not compared",
        r.agreed.len(),
        r.not_compared.len()
    );
    s
}
