// natokg query page: examples from /api/queries, a highlighted editor, results as a sortable
// table, CSV/JSON downloads. Everything from data is set with textContent, never as HTML.
"use strict";

const KEYWORDS = new Set((
  "select distinct reduced as where from named prefix base construct describe ask order by asc desc " +
  "limit offset optional union minus graph service silent filter exists not bind values group having " +
  "a in true false undef count sum min max avg sample group_concat separator str lang langmatches " +
  "datatype bound iri uri bnode rand abs ceil floor round concat strlen ucase lcase encode_for_uri " +
  "contains strstarts strends strbefore strafter year month day hours minutes seconds timezone tz now " +
  "uuid struuid md5 sha1 sha256 sha384 sha512 coalesce if strlang strdt sameterm isiri isuri isblank " +
  "isliteral isnumeric regex substr replace"
).split(" "));

const TOKEN = new RegExp([
  "(#[^\\n]*)",                                   // comment
  "(\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')", // string
  "(<[^<>\"{}|^`\\\\\\s]*>)",                     // IRI
  "([?$][A-Za-z0-9_\\u00b7-\\uffff]+)",          // variable
  "([A-Za-z][\\w.-]*)?(:[\\w.%-]*)",             // prefixed name (prefix, local)
  "([+-]?\\d+(?:\\.\\d*)?(?:[eE][+-]?\\d+)?)",    // number
  "([A-Za-z_]+)",                                  // word
].join("|"), "g");

const $ = (id) => document.getElementById(id);
let current = null;  // {columns, rows, raw, kind}

function highlight() {
  const text = $("query").value;
  const out = $("highlight");
  out.replaceChildren();
  let last = 0;
  const add = (chunk, cls) => {
    if (!chunk) return;
    if (!cls) { out.appendChild(document.createTextNode(chunk)); return; }
    const span = document.createElement("span");
    span.className = cls;
    span.textContent = chunk;
    out.appendChild(span);
  };
  for (const m of text.matchAll(TOKEN)) {
    add(text.slice(last, m.index));
    let cls = null;
    if (m[1]) cls = "tok-comment";
    else if (m[2]) cls = "tok-string";
    else if (m[3]) cls = "tok-iri";
    else if (m[4]) cls = "tok-var";
    else if (m[6] !== undefined) cls = "tok-pname";
    else if (m[7]) cls = "tok-number";
    else if (m[8] && KEYWORDS.has(m[8].toLowerCase())) cls = "tok-keyword";
    add(m[0], cls);
    last = m.index + m[0].length;
  }
  add(text.slice(last) + "\n");
  syncScroll();
}

function syncScroll() {
  $("highlight").scrollTop = $("query").scrollTop;
  $("highlight").scrollLeft = $("query").scrollLeft;
}

async function loadExamples() {
  const list = $("examples");
  try {
    const response = await fetch("/api/queries", { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const queries = await response.json();
    for (const q of queries) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.query = q.id;
      button.title = q.summary;
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = q.kind;
      button.append(kind, document.createTextNode(q.id));
      button.addEventListener("click", () => {
        $("query").value = q.text;
        highlight();
        setStatus(`${q.id}: ${q.summary}`);
      });
      item.appendChild(button);
      list.appendChild(item);
    }
  } catch (error) {
    setStatus(`could not load the examples: ${error.message}`, true);
  }
}

function setStatus(text, isError = false) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("error", isError);
}

function cellText(term) {
  if (!term) return "";
  if (term.type === "bnode") return `_:${term.value}`;
  if (term["xml:lang"]) return `${term.value}@${term["xml:lang"]}`;
  return term.value;
}

function parseNTriples(text) {
  const rows = [];
  for (const line of text.split("\n")) {
    const m = line.match(/^(\S+)\s+(\S+)\s+(.*?)\s*\.\s*$/);
    if (!m) continue;
    rows.push(m.slice(1, 4).map((t) => (t.startsWith("<") && t.endsWith(">") ? t.slice(1, -1) : t)));
  }
  return rows;
}

async function run() {
  const started = performance.now();
  setStatus("running…");
  $("results").replaceChildren();
  let response;
  try {
    response = await fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/sparql-results+json, application/n-triples;q=0.9",
      },
      body: new URLSearchParams({ query: $("query").value }),
    });
  } catch (error) {
    setStatus(`request failed: ${error.message}`, true);
    return;
  }
  const raw = await response.text();
  if (!response.ok) {
    setStatus(`${response.status}: ${raw.trim()}`, true);
    return;
  }
  const type = response.headers.get("Content-Type") || "";
  if (type.startsWith("application/n-triples")) {
    current = { columns: ["subject", "predicate", "object"], rows: parseNTriples(raw), raw, kind: "graph" };
  } else {
    const data = JSON.parse(raw);
    if ("boolean" in data) {
      current = { columns: ["ask"], rows: [[String(data.boolean)]], raw, kind: "ask" };
    } else {
      const columns = data.head.vars;
      const rows = data.results.bindings.map((b) => columns.map((c) => cellText(b[c])));
      current = { columns, rows, raw, kind: "select" };
    }
  }
  const ms = Math.round(performance.now() - started);
  const cut = response.headers.get("Natokg-Truncated") === "true";
  const cap = response.headers.get("Natokg-Max-Rows");
  setStatus(`${current.rows.length} rows in ${ms} ms` + (cut ? ` (cut at the row cap of ${cap})` : ""));
  renderTable();
  $("download-csv").disabled = false;
  $("download-json").disabled = false;
}

function renderTable(sortColumn = null, descending = false) {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  current.columns.forEach((name, index) => {
    const th = document.createElement("th");
    th.textContent = name;
    th.scope = "col";
    if (index === sortColumn) th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    th.addEventListener("click", () => {
      const desc = index === sortColumn ? !descending : false;
      sortRows(index, desc);
      renderTable(index, desc);
    });
    head.appendChild(th);
  });
  const body = table.createTBody();
  for (const row of current.rows) {
    const tr = body.insertRow();
    for (const value of row) tr.insertCell().textContent = value;
  }
  $("results").replaceChildren(table);
}

function sortRows(index, descending) {
  const numeric = (v) => v !== "" && !Number.isNaN(Number(v));
  current.rows.sort((a, b) => {
    const x = a[index], y = b[index];
    const order = numeric(x) && numeric(y) ? Number(x) - Number(y) : x.localeCompare(y);
    return descending ? -order : order;
  });
}

function csvCell(value) {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function download(name, type, text) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  const editor = $("query");
  editor.addEventListener("input", highlight);
  editor.addEventListener("scroll", syncScroll);
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
  });
  $("run").addEventListener("click", run);
  $("download-csv").addEventListener("click", () => {
    const lines = [current.columns, ...current.rows].map((r) => r.map(csvCell).join(","));
    download("results.csv", "text/csv", lines.join("\r\n") + "\r\n");
  });
  $("download-json").addEventListener("click", () => {
    const text = current.kind === "graph"
      ? JSON.stringify({ columns: current.columns, rows: current.rows })
      : current.raw;
    download("results.json", "application/json", text);
  });
  highlight();
  loadExamples();
});
