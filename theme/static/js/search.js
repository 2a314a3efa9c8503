// The search page. Pagefind's library loads only when the reader searches.
// Every string from the index or the URL is inserted as text, never as HTML.

const root = document.getElementById("search");
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const filtersBox = document.getElementById("search-filters");
const filterToggle = document.getElementById("search-filter-toggle");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const GROUPS = [
  ["kind", "Kind"],
  ["company", "Company"],
  ["theme", "Theme"],
];
// stories whose details (one fragment file each) are fetched at a time: as
// many as Pagefind's own UI shows, so a first query stays small on a large site
const PAGE_SIZE = 5;
let pagefind = null;
let generation = 0;
let pending = []; // matching stories not shown yet
let shown = [];
const more = el("button", "search-more", "Show more results");
more.type = "button";
more.hidden = true;
list.after(more);

root.hidden = false;

async function load() {
  if (!pagefind) {
    const api = await import(root.dataset.bundle);
    const base = new URL(root.dataset.baseUrl, location.href).pathname;
    // noWorker: the worker script would double the JavaScript fetched for a first search
    await api.options({ baseUrl: base, excerptLength: 24, noWorker: true });
    await api.init();
    pagefind = api;
  }
  return pagefind;
}

// The filter lists (and their index files) load only when the reader opens
// them, or when the URL already asks for a filter.
let filtersLoaded = null;
function loadFilters() {
  if (!filtersLoaded) {
    filtersLoaded = load().then((api) => api.filters()).then(renderFilters);
  }
  return filtersLoaded;
}
filterToggle.addEventListener("toggle", () => { if (filterToggle.open) loadFilters(); });

// -- URL state: ?q=...&company=A&company=B&theme=...&kind=... ---------------
function readState() {
  const params = new URLSearchParams(location.search);
  const state = { q: params.get("q") || "", filters: {} };
  for (const [group] of GROUPS) state.filters[group] = params.getAll(group);
  return state;
}

function writeState(state, push) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const [group] of GROUPS) for (const value of state.filters[group]) params.append(group, value);
  const query = params.toString();
  const url = location.pathname + (query ? "?" + query : "");
  if (url !== location.pathname + location.search) {
    history[push ? "pushState" : "replaceState"](null, "", url);
  }
}

function currentState() {
  const state = { q: input.value.trim(), filters: {} };
  const fromUrl = readState().filters;
  for (const [group] of GROUPS) {
    // until the filter lists are loaded, the URL's filters stay in force
    state.filters[group] = filtersBox.childElementCount
      ? [...filtersBox.querySelectorAll(`input[name="${group}"]:checked`)].map((i) => i.value)
      : fromUrl[group];
  }
  return state;
}

function applyState(state) {
  input.value = state.q;
  for (const box of filtersBox.querySelectorAll("input[type=checkbox]")) {
    box.checked = (state.filters[box.name] || []).includes(box.value);
  }
}

// -- filters ------------------------------------------------------------------
function renderFilters(available) {
  const wanted = readState().filters;
  filtersBox.replaceChildren();
  for (const [group, label] of GROUPS) {
    const values = Object.keys(available[group] || {}).sort((a, b) => a.localeCompare(b));
    if (!values.length) continue;
    const fieldset = el("fieldset", "search-group");
    fieldset.append(el("legend", "", label));
    for (const value of values) {
      const option = el("label", "search-option");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = group;
      box.value = value;
      box.checked = (wanted[group] || []).includes(value);
      option.append(box, document.createTextNode(` ${value} `), el("span", "meta", `(${available[group][value]})`));
      fieldset.append(option);
    }
    filtersBox.append(fieldset);
  }
  filtersBox.hidden = !filtersBox.childElementCount;
}

function wantsFilters(state) {
  return GROUPS.some(([g]) => state.filters[g].length);
}

// -- searching -----------------------------------------------------------------
async function run(state) {
  const mine = ++generation;
  const hasFilters = GROUPS.some(([g]) => state.filters[g].length);
  if (!state.q && !hasFilters) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  const api = await load();
  const filters = {};
  // several values within a group: any of them (OR); groups combine with AND
  for (const [group] of GROUPS) if (state.filters[group].length) filters[group] = { any: state.filters[group] };
  const response = await api.search(state.q || null, { filters, sort: state.q ? undefined : { date: "desc" } });
  if (mine !== generation) return; // a newer search has started
  pending = response.results;
  shown = [];
  await showMore(state, mine);
}

async function showMore(state, mine) {
  const batch = pending.slice(0, PAGE_SIZE);
  pending = pending.slice(PAGE_SIZE);
  const pages = await Promise.all(batch.map((r) => r.data()));
  if (mine !== generation) return;
  for (const page of pages) shown.push(...itemsOf(page, state.filters.kind));
  render(shown, state, pending.length);
}

more.addEventListener("click", () => {
  const firstNew = list.children.length;
  showMore(currentState(), generation).then(() => {
    const link = list.children[firstNew] && list.children[firstNew].querySelector("a");
    if (link) link.focus();
  });
});

function calloutIds(page) {
  const map = new Map();
  for (const pair of (page.meta.callouts || "").split(/\s+/)) {
    const at = pair.indexOf("=");
    if (at > 0) map.set(pair.slice(at + 1), pair.slice(0, at));
  }
  return map;
}

function label(type) {
  return type.charAt(0).toUpperCase() + type.slice(1);
}

function itemsOf(page, kinds) {
  const callouts = calloutIds(page);
  const companies = (page.filters && page.filters.company) || [];
  const items = [];
  for (const sub of page.sub_results || []) {
    const id = sub.anchor && sub.anchor.id;
    if (!id || !callouts.has(id)) continue;
    const kind = label(callouts.get(id));
    if (kinds.length && !kinds.includes(kind)) continue;
    items.push({ kind, title: sub.title, url: sub.url, excerpt: sub.excerpt, story: page.meta.title, companies });
  }
  if (!kinds.length || kinds.includes("Case study")) {
    items.push({ kind: "Case study", title: page.meta.title, url: page.url, excerpt: page.excerpt, companies });
  }
  return items;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Pagefind's excerpts are HTML with <mark> around matched words. Parse them in
// an inert document and copy only text and <mark>: nothing else survives.
function excerptNode(html) {
  const out = el("p", "search-excerpt");
  const doc = new DOMParser().parseFromString(`<body>${html || ""}</body>`, "text/html");
  for (const node of doc.body.childNodes) {
    if (node.nodeName === "MARK") out.append(el("mark", "", node.textContent));
    else out.append(document.createTextNode(node.textContent));
  }
  return out;
}

function render(items, state, remaining = 0) {
  list.replaceChildren();
  for (const item of items) {
    const li = el("li", `search-result kind-${item.kind.toLowerCase().replace(/\s+/g, "-")}`);
    const heading = el("h2", "search-title");
    heading.append(el("span", "callout-badge", item.kind), document.createTextNode(" "));
    const link = el("a", "", item.title);
    link.href = item.url;
    heading.append(link);
    li.append(heading, excerptNode(item.excerpt));
    const meta = [];
    if (item.story) meta.push(`In ${item.story}`);
    if (item.companies.length) meta.push(item.companies.join(", "));
    if (meta.length) li.append(el("p", "meta", meta.join(" · ")));
    list.append(li);
  }
  const what = state.q ? ` for “${state.q}”` : "";
  const rest = remaining ? `, ${remaining} more ${remaining === 1 ? "story" : "stories"} to show` : "";
  status.textContent = items.length
    ? `${items.length} result${items.length === 1 ? "" : "s"}${what}${rest}`
    : `No results${what}. Try fewer words, or browse themes and companies.`;
  more.hidden = !remaining;
}

// -- events ----------------------------------------------------------------------
// Typing a new query adds one history entry (its first keystroke pushes, the
// rest replace it), so Back returns to the previous search, not to each letter.
let timer = 0;
let typing = false;
input.addEventListener("input", () => {
  clearTimeout(timer);
  // start fetching the index chunks for these words while the pause runs
  if (pagefind && input.value.trim()) pagefind.preload(input.value);
  timer = setTimeout(() => {
    const state = currentState();
    writeState(state, !typing);
    typing = true;
    run(state);
  }, 60);
});
input.addEventListener("focus", () => load(), { once: true });

form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  const state = currentState();
  writeState(state, !typing);
  typing = false;
  run(state);
});

filtersBox.addEventListener("change", () => {
  const state = currentState();
  writeState(state, true);
  typing = false;
  run(state);
});

window.addEventListener("popstate", () => {
  typing = false;
  const state = readState();
  if (wantsFilters(state)) loadFilters().then(() => applyState(state));
  applyState(state);
  run(state);
});

// Arrow keys: from the box into the results, and between results.
form.addEventListener("keydown", (event) => {
  if (event.target === input && event.key === "ArrowDown") {
    const first = list.querySelector("a");
    if (first) {
      event.preventDefault();
      first.focus();
    }
  }
});
list.addEventListener("keydown", (event) => {
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
  const links = [...list.querySelectorAll("a")];
  const at = links.indexOf(document.activeElement);
  if (at < 0) return;
  event.preventDefault();
  if (event.key === "ArrowDown") links[Math.min(at + 1, links.length - 1)].focus();
  else if (at === 0) input.focus();
  else links[at - 1].focus();
});

const initial = readState();
applyState(initial);
if (wantsFilters(initial)) {
  filterToggle.open = true;
  loadFilters();
}
if (initial.q || wantsFilters(initial)) run(initial);
