// eligo HTML report: search, filters, sorting and pages for the findings
// table, built from the embedded JSON report (#eligo-data). The page is
// complete without this script; it replaces the server-rendered rows with the
// same rows built from the data (rowElement mirrors check_page.rs finding_row).
(function () {
  "use strict";
  var PAGE_SIZE = 100;
  var PRINT_LIMIT = 10000;
  var table = document.getElementById("findings-table");
  var dataElement = document.getElementById("eligo-data");
  if (!table || !dataElement) return;
  var report = JSON.parse(dataElement.textContent);
  var body = document.getElementById("findings-body");
  var count = document.getElementById("count");
  var pager = document.getElementById("pager");
  var form = document.getElementById("filters");
  var controls = {
    q: document.getElementById("q"),
    rule: document.getElementById("f-rule"),
    severity: document.getElementById("f-severity"),
    status: document.getElementById("f-status"),
    customer: document.getElementById("f-customer")
  };

  // As markup.rs Anchor: letters, digits, - and _ kept, others as .hex.
  function anchor(text) {
    var out = "";
    for (var ch of text) {
      out += /^[A-Za-z0-9_-]$/.test(ch) ? ch : "." + ch.codePointAt(0).toString(16);
    }
    return out;
  }
  function str(v) { return typeof v === "string" ? v : ""; }
  function num(v) { return typeof v === "number" ? v : 0; }
  // As model.rs problem: the message without the "; fix" the report appends.
  function problem(message, fix) {
    var tail = "; " + fix;
    return fix && message.endsWith(tail) ? message.slice(0, -tail.length) : message;
  }
  // As model.rs status.
  function status(f) {
    if (f.waived) return "waived";
    return f.baseline === "known" || f.baseline === "new" ? f.baseline : "";
  }
  function findingRows(data) {
    var rows = [];
    (data.files || []).forEach(function (file) {
      (file.findings || []).forEach(function (f) {
        var loc = f.location || {};
        var w = f.waived;
        var row = {
          order: rows.length,
          rule: str(f.rule), severity: str(f.severity), subject: str(f.subject),
          customer: str(f.customer), fix: str(f.fix),
          path: str(loc.path), line: num(loc.line), column: num(loc.column),
          status: status(f),
          waiver: w ? str(w.reason) + " (" + str(w.owner) + ", until " + str(w.expires) + ")" : ""
        };
        row.problem = problem(str(f.message), row.fix);
        row.place = row.path + ":" + row.line + ":" + row.column;
        row.haystack = [row.rule, row.severity, row.subject, row.customer, row.problem,
          row.fix, row.place, row.status, row.waiver].join("\n").toLowerCase();
        rows.push(row);
      });
    });
    return rows;
  }

  function cell(tr, text, className) {
    var td = document.createElement("td");
    if (className) td.className = className;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function badge(td, className, text) {
    var span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    td.appendChild(span);
  }
  function rowElement(row) {
    var tr = document.createElement("tr");
    tr.className = "f-" + anchor(row.severity);
    var link = document.createElement("a");
    link.href = "#rule-" + anchor(row.rule);
    link.textContent = row.rule;
    cell(tr, "").appendChild(link);
    badge(cell(tr, ""), "sev sev-" + anchor(row.severity), row.severity);
    cell(tr, row.subject, "id");
    cell(tr, row.customer, "id");
    cell(tr, row.problem, "msg");
    cell(tr, row.fix, "msg");
    cell(tr, row.place, "path");
    var st = cell(tr, "");
    if (row.status) badge(st, "badge st-" + row.status, row.status);
    if (row.waiver) st.appendChild(document.createTextNode(" " + row.waiver));
    return tr;
  }

  var SORT_KEYS = [
    function (r) { return r.rule; },
    function (r) { return r.severity; },
    function (r) { return r.subject; },
    function (r) { return r.customer; },
    function (r) { return r.problem; },
    function (r) { return r.fix; },
    null, // location: path, then line, then column
    function (r) { return r.status; }
  ];
  function compare(column) {
    var key = SORT_KEYS[column];
    if (!key) {
      return function (a, b) {
        return a.path < b.path ? -1 : a.path > b.path ? 1 :
          (a.line - b.line) || (a.column - b.column) || (a.order - b.order);
      };
    }
    return function (a, b) {
      var x = key(a), y = key(b);
      return x < y ? -1 : x > y ? 1 : a.order - b.order;
    };
  }

  var rows = findingRows(report);
  var state = { sortColumn: -1, descending: false, page: 0 };
  var matching = rows;

  function matches(row, f) {
    if (f.rule && row.rule !== f.rule) return false;
    if (f.severity && row.severity !== f.severity) return false;
    if (f.customer && row.customer !== f.customer) return false;
    if (f.status === "open" ? row.status === "waived" : f.status && row.status !== f.status) return false;
    return !f.q || row.haystack.indexOf(f.q) !== -1;
  }
  function filters() {
    return {
      q: controls.q.value.trim().toLowerCase(),
      rule: controls.rule.value, severity: controls.severity.value,
      status: controls.status.value, customer: controls.customer.value
    };
  }
  function recompute() {
    var f = filters();
    matching = rows.filter(function (r) { return matches(r, f); });
    if (state.sortColumn >= 0) {
      var cmp = compare(state.sortColumn);
      matching.sort(state.descending ? function (a, b) { return cmp(b, a); } : cmp);
    }
  }
  function show(list) {
    var fragment = document.createDocumentFragment();
    list.forEach(function (r) { fragment.appendChild(rowElement(r)); });
    body.replaceChildren(fragment);
  }
  function render() {
    var pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    var start = state.page * PAGE_SIZE;
    var shown = matching.slice(start, start + PAGE_SIZE);
    show(shown);
    var text = matching.length === rows.length
      ? rows.length + (rows.length === 1 ? " finding" : " findings")
      : matching.length + " of " + rows.length + " findings match";
    if (pages > 1) text += "; showing " + (start + 1) + "–" + (start + shown.length);
    count.textContent = text;
    count.dataset.matching = String(matching.length);
    count.dataset.shown = String(shown.length);
    pager.hidden = pages <= 1;
    document.getElementById("page").textContent = "Page " + (state.page + 1) + " of " + pages;
    document.getElementById("prev").disabled = state.page === 0;
    document.getElementById("next").disabled = state.page >= pages - 1;
  }
  function update() {
    state.page = 0;
    recompute();
    render();
  }

  function sortBy(column) {
    if (state.sortColumn === column) {
      state.descending = !state.descending;
    } else {
      state.sortColumn = column;
      state.descending = false;
    }
    table.querySelectorAll("thead th").forEach(function (th, i) {
      if (i === column) th.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
    update();
  }
  table.querySelectorAll("thead th").forEach(function (th, i) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    button.title = "Sort by " + th.textContent.toLowerCase();
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () { sortBy(i); });
  });

  form.addEventListener("submit", function (e) { e.preventDefault(); });
  controls.q.addEventListener("input", update);
  ["rule", "severity", "status", "customer"].forEach(function (k) {
    controls[k].addEventListener("change", update);
  });
  document.getElementById("clear").addEventListener("click", function (e) {
    e.preventDefault();
    controls.q.value = "";
    ["rule", "severity", "status", "customer"].forEach(function (k) { controls[k].value = ""; });
    update();
  });
  document.getElementById("prev").addEventListener("click", function () { state.page -= 1; render(); });
  document.getElementById("next").addEventListener("click", function () { state.page += 1; render(); });
  // Print every matching row, not only the page on screen.
  window.addEventListener("beforeprint", function () { show(matching.slice(0, PRINT_LIMIT)); });
  window.addEventListener("afterprint", render);

  document.querySelectorAll(".server-only").forEach(function (e) { e.remove(); });
  form.hidden = false;
  update();
})();
