// The search page's answering code: Pagefind's index, and an answering layer
// on top of it. search.js, the page's own small script, imports this module
// only when there is something to answer (a query or filters in the URL, the
// first keystroke, a submitted form, the filters opened), and Pagefind's
// library loads with it. Every string from the index, the vocabulary or the
// URL is inserted as text, never as HTML.
//
// A query is answered in steps (see answer()):
//   1. a query in quotes is an exact phrase (Pagefind's own exact search);
//   2. stop words are dropped ("how do I recover after a mistake?" -> recover
//      mistake) and Pagefind finds the stories holding every remaining word;
//   3. a word no story holds is corrected against the site's own vocabulary
//      (search/words.json, themes and companies from search/terms.json, with
//      fastest-levenshtein), and "Did you mean" links to the corrected query;
//   4. when every-word matching finds few stories, stories holding any of the
//      words join them, ranked by how many and how rare the matched words are.
//   5. a query naming a theme or company lists its stories first.

const root = document.getElementById("search");
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const filtersBox = document.getElementById("search-filters");
const filterToggle = document.getElementById("search-filter-toggle");
const staleBox = document.getElementById("search-stale");
const suggestBox = document.getElementById("search-suggest");
const status = document.getElementById("search-status");
const correction = document.getElementById("search-correction");
const list = document.getElementById("search-results");
const unavailable = document.getElementById("search-unavailable");
const GROUPS = [
  ["kind", "Kind"],
  ["company", "Company"],
  ["theme", "Theme"],
];
// stories whose details (one fragment file each) are fetched at a time: as
// many as Pagefind's own UI shows, so a first query stays small on a large site
const PAGE_SIZE = 5;
// fewer stories than this holding every word: stories holding any word follow
const ENOUGH = PAGE_SIZE;
// the weight of holding every word, against the sum of the words' rarity
const BOTH = 0.5;
// Words that carry no subject: dropped from questions before searching
// (a query made only of them is searched as typed).
const STOP_WORDS = new Set(`a about above after again against all also am an and any are as at be because
been before being below between both but by can cannot could did do does doing down during each even
ever few for from further get gets getting had has have having he her here hers herself him himself his
how i if in into is it its itself just let like may me might more most much must my myself no nor not
now of off on once one only or other others our ours ourselves out over own really same shall she
should so some such than that the their theirs them themselves then there these they this those
through thing things to too under until up upon us very want was way ways we were what whats when
where which while who whom whose why will with without would you your yours yourself yourselves
im ive id ill youre dont doesnt didnt isnt arent cant wont`.split(/\s+/));

let generation = 0;
let pending = []; // matching stories not shown yet
let shown = [];
const more = el("button", "search-more", "Show more results");
more.type = "button";
more.hidden = true;
list.after(more);

// -- loading: Pagefind, the terms (themes, companies) and, when needed, the words
let loading = null;
function load() {
  // one promise: a second caller must not set options on a running instance
  if (!loading) {
    loading = (async () => {
      const api = await import(root.dataset.bundle);
      const base = new URL(root.dataset.baseUrl, location.href).pathname;
      // noWorker: the worker script would double the JavaScript fetched for a first search
      await api.options({ baseUrl: base, excerptLength: 24, noWorker: true });
      await api.init();
      return api;
    })();
    loadTerms();
  }
  return loading;
}

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

// themes and companies, with their pages and story counts (small: fetched with Pagefind)
let termsLoaded = null;
function loadTerms() {
  if (!termsLoaded) {
    termsLoaded = fetchJson(root.dataset.terms)
      .then((data) => ({
        pages: Number(data.pages) || 1,
        themes: (data.themes || []).map((t) => term(t, "theme")),
        companies: (data.companies || []).map((t) => term(t, "company")),
      }))
      .catch(() => ({ pages: 1, themes: [], companies: [] }));
  }
  return termsLoaded;
}

function term(t, group) {
  const name = String(t.name);
  const url = new URL(String(t.url), new URL(root.dataset.baseUrl, location.href));
  return {
    group,
    name,
    // only the site's own pages: a stray "javascript:" address never becomes a link
    url: /^https?:$/.test(url.protocol) ? url.href : new URL(root.dataset.baseUrl, location.href).href,
    count: Number(t.count) || 0,
    words: words(name),
    compact: compact(name),
    about: words(String(t.description || "")),
  };
}

// every indexed word, most frequent first, and the distance function: fetched
// only when a word of a query is not found
let wordsLoaded = null;
function loadWords() {
  if (!wordsLoaded) {
    const vendor = new URL("vendor/fastest-levenshtein.js" + new URL(import.meta.url).search, import.meta.url);
    wordsLoaded = Promise.all([fetchJson(root.dataset.words).catch(() => ({ words: [] })), import(vendor), loadTerms()])
      .then(([data, lib, terms]) => {
        const list = (data.words || []).map(String);
        const rank = new Map(list.map((w, i) => [w, i]));
        // a company or theme typed as one word ("chikfila" -> Chick-fil-A) is a candidate too
        const names = [...terms.companies, ...terms.themes].filter((t) => t.compact.length > 2);
        return { list, rank, names, distance: lib.distance };
      })
      .catch(() => null);
  }
  return wordsLoaded;
}

// -- words ---------------------------------------------------------------------
function words(text) {
  return (text.toLowerCase().normalize("NFKC").match(/[\p{L}\p{N}$]+(?:['’\-.][\p{L}\p{N}]+)*/gu) || []);
}

function compact(text) {
  return text.toLowerCase().normalize("NFKD").replace(/[^\p{L}\p{N}]/gu, "");
}

function meaningful(tokens) {
  const kept = tokens.filter((w) => !STOP_WORDS.has(w.replace(/['’]/g, "")));
  return kept.length ? kept : tokens;
}

function commonPrefix(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

// the edits (Levenshtein distance) a word of this length may carry and
// still be corrected: one below eight letters, two from eight
function allowedEdits(word) {
  return word.length < 3 ? 0 : word.length < 8 ? 1 : 2;
}

// two neighbouring letters swapped ("disnye"): one slip of the fingers,
// though Levenshtein counts it as two edits
function swapped(a, b) {
  if (a.length !== b.length) return false;
  const at = [];
  for (let i = 0; i < a.length && at.length < 3; i++) if (a[i] !== b[i]) at.push(i);
  return at.length === 2 && at[1] === at[0] + 1 && a[at[0]] === b[at[1]] && a[at[1]] === b[at[0]];
}

// A word the vocabulary holds, the start of one (typing "recov"), or one
// with a short ending added (recovers, recovered).
function known(vocabulary, word) {
  if (vocabulary.rank.has(word)) return true;
  return vocabulary.list.some((w) => w.startsWith(word) || (w.length >= 4 && word.startsWith(w) && word.length - w.length <= 3));
}

// The nearest word of the site, or a company or theme name, for a word it lacks.
function correct(vocabulary, word) {
  const edits = allowedEdits(word);
  if (!edits || vocabulary.rank.has(word) || /\d/.test(word)) return null;
  let best = null;
  const consider = (candidate, replacement, rank) => {
    if (Math.abs(candidate.length - word.length) > edits) return;
    const d = swapped(word, candidate) ? 1 : vocabulary.distance(word, candidate);
    if (d > edits) return;
    if (!best || d < best.d || (d === best.d && rank < best.rank)) best = { d, rank, replacement };
  };
  // names first among equals: a reader who misspells a company means the company
  for (const t of vocabulary.names) consider(t.compact, t.name, -1);
  vocabulary.list.forEach((w, i) => consider(w, w, i));
  return best && best.replacement;
}

// Pagefind matches the indexed words a query word starts with when nothing
// else matches ("nordstorm" marks "no"): a result whose marks do not share the
// word's stem is no match for it.
function weakMatch(word, page) {
  const marks = [...(page.excerpt || "").matchAll(/<mark>([^<]*)<\/mark>/g)].map((m) => compact(m[1]));
  if (!marks.length) return false;
  const need = Math.min(word.length, Math.max(4, word.length - 3));
  return !marks.some((m) => commonPrefix(m, compact(word)) >= need);
}

// -- answering -------------------------------------------------------------------
function parse(q) {
  const phrases = [...q.matchAll(/"([^"]+)"/g)].map((m) => m[1].trim()).filter(Boolean);
  return { phrases, tokens: words(q.replace(/"/g, " ")) };
}

// Pagefind with the filters applied; null filters: none
function find(api, text, filters) {
  return api.search(text, filters ? { filters } : {}).then((response) => {
    if (!response || !Array.isArray(response.results)) throw new Error("Pagefind returned no response");
    return response;
  });
}

// A query that names a theme or a company lists that theme's or company's
// stories first: labels weigh more than words in a body.
async function answer(api, q, filters, wantCounts) {
  const found = await answerWords(api, q, filters, wantCounts);
  const named = compact(found.corrected || q);
  const terms = await loadTerms();
  const label = [...terms.themes, ...terms.companies].find((t) => t.compact === named);
  if (label && found.results.length) {
    const tagged = await pagesWith(api, label.group, label.name);
    found.results = [...found.results.filter((r) => tagged.has(r.id)), ...found.results.filter((r) => !tagged.has(r.id))];
  }
  return found;
}

// Results (Pagefind result objects, best first), the counts per filter value
// when Pagefind gave them, and the query used when a word was corrected.
async function answerWords(api, q, filters, wantCounts) {
  const { phrases, tokens } = parse(q);
  if (phrases.length && /^\s*"[^"]+"\s*$/.test(q)) {
    const exact = await find(api, q.trim(), filters);
    if (exact.results.length) return { results: exact.results, counts: exact.totalFilters };
  }
  let terms = meaningful(tokens);
  const typed = [...terms];
  if (!terms.length) return { results: [], counts: {} };
  let all = await find(api, terms.join(" "), filters);
  let corrected = null;

  if (terms.length === 1) {
    const weak = all.results.length && weakMatch(terms[0], await all.results[0].data());
    if (!all.results.length || weak) {
      const vocabulary = await loadWords();
      const unknown = vocabulary && !known(vocabulary, terms[0]);
      const fixed = unknown && correct(vocabulary, terms[0]);
      if (fixed) {
        corrected = fixed;
        all = await find(api, fixed, filters);
      } else if (weak && unknown) {
        // what Pagefind matched is only the start of the word
        all = { results: [], totalFilters: {} };
      }
    }
    return { results: all.results, counts: all.totalFilters, corrected };
  }
  if (all.results.length >= ENOUGH) return { results: all.results, counts: all.totalFilters };

  // several words and few stories with all of them: correct the words the
  // site lacks (none of its stories holds them), then rank the stories
  // holding any of the words
  // per word without the filters: the counts are those of the whole answer,
  // and the filters are applied to it afterwards
  const [vocabulary, each] = await Promise.all([loadWords(), Promise.all(terms.map((w) => find(api, w, null)))]);
  if (vocabulary) {
    // a word is kept when Pagefind finds it: in the vocabulary, or (rarer
    // than the vocabulary keeps) marked as itself in its best story
    const found = async (w, i) => each[i].results.length
      && (known(vocabulary, w) || !weakMatch(w, await each[i].results[0].data()));
    const fixed = await Promise.all(terms.map(async (w, i) => ((await found(w, i)) ? w : correct(vocabulary, w) || w)));
    const changed = fixed.map((w, i) => w !== terms[i]);
    if (changed.some(Boolean)) {
      corrected = fixed.join(" ");
      terms = fixed;
      all = await find(api, corrected, filters);
      await Promise.all(fixed.map(async (w, i) => { if (changed[i]) each[i] = await find(api, w, null); }));
    }
  }
  if (all.results.length >= ENOUGH) return { results: all.results, counts: all.totalFilters, corrected };
  const { pages } = await loadTerms();
  // a corrected word is a guess: it counts half as much as a word found as typed
  const weights = terms.map((w, i) => (w === typed[i] ? 1 : 0.5));
  const merged = rank(all.results, each, pages, weights);
  return {
    results: await applyFilters(api, merged, filters),
    counts: wantCounts ? await countsOf(api, merged) : null,
    corrected,
  };
}

// Pagefind's filter semantics on a list of ours: any value within a group, every group
async function applyFilters(api, results, filters) {
  if (!filters) return results;
  let kept = results;
  for (const [group, { any }] of Object.entries(filters)) {
    const sets = await Promise.all(any.map((value) => pagesWith(api, group, value)));
    kept = kept.filter((r) => sets.some((set) => set.has(r.id)));
  }
  return kept;
}

// Stories by the sum over matched words of rarity (inverse document
// frequency) times the word's relative Pagefind score in that story; holding
// every word adds BOTH times the whole sum (in Pagefind's order).
function rank(allResults, each, pages, weights) {
  const scored = new Map();
  const add = (result, value) => {
    const entry = scored.get(result.id);
    if (!entry) scored.set(result.id, { result, score: value, best: value });
    else {
      entry.score += value;
      // keep the result (and so the excerpt) of the word that weighs most
      if (value > entry.best) Object.assign(entry, { result, best: value });
    }
  };
  let total = 0;
  for (const [i, response] of each.entries()) {
    const found = response.results;
    if (!found.length) continue;
    const idf = weights[i] * Math.log(1 + pages / found.length);
    total += idf;
    const top = Math.max(...found.map((r) => r.score)) || 1;
    for (const r of found) add(r, idf * (0.5 + 0.5 * r.score / top));
  }
  allResults.forEach((r, i) => add(r, BOTH * total * (1 - i / (2 * allResults.length))));
  return [...scored.values()].sort((a, b) => b.score - a.score).map((e) => e.result);
}

// Counts per filter value for a list of results made by us: each value's
// pages come from a filter-only Pagefind search (no index chunk needed).
const valuePages = new Map();
async function pagesWith(api, group, value) {
  const key = `${group}\u0000${value}`;
  if (!valuePages.has(key)) {
    valuePages.set(key, find(api, null, { [group]: value }).then((r) => new Set(r.results.map((x) => x.id))));
  }
  return valuePages.get(key);
}

async function countsOf(api, results) {
  const available = await filtersLoaded;
  const ids = new Set(results.map((r) => r.id));
  const counts = {};
  for (const [group] of GROUPS) {
    counts[group] = {};
    for (const value of Object.keys((available && available[group]) || {})) {
      const with_ = await pagesWith(api, group, value);
      let n = 0;
      for (const id of ids) if (with_.has(id)) n++;
      counts[group][value] = n;
    }
  }
  return counts;
}

// -- suggestions: themes and companies matching what is typed --------------------
function suggestions(terms, q) {
  const tokens = meaningful(words(q)).filter((w) => w.length > 1);
  const whole = compact(q);
  if (!tokens.length) return [];
  const score = (t) => {
    if (whole && t.compact === whole) return 100;
    let s = 0;
    for (const w of tokens) {
      if (t.words.some((n) => n === w)) s += 10;
      else if (t.words.some((n) => n.startsWith(w) || (w.length > 4 && commonPrefix(n, w) >= w.length - 2))) s += 6;
      else if (w.length > 3 && t.compact.startsWith(compact(w))) s += 6;
    }
    return s;
  };
  return [...terms.themes, ...terms.companies]
    .map((t) => ({ t, s: score(t) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || b.t.count - a.t.count)
    .map((x) => x.t);
}

// for a query nothing answers: themes whose name or description shares a word
// (or its start) with the query, else the largest themes
function nearestThemes(terms, q) {
  const tokens = meaningful(words(q)).filter((w) => w.length > 2);
  const stem = (w) => w.slice(0, Math.max(4, w.length - 3));
  const score = (t) => tokens.reduce((s, w) => s + (t.words.some((n) => n.startsWith(stem(w))) ? 3 : 0)
    + (t.about.some((n) => n.startsWith(stem(w))) ? 1 : 0), 0);
  const near = terms.themes.map((t) => ({ t, s: score(t) })).filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || b.t.count - a.t.count).map((x) => x.t);
  return (near.length ? near : [...terms.themes].sort((a, b) => b.count - a.count)).slice(0, 4);
}

function renderSuggestions(heading, items) {
  suggestBox.replaceChildren();
  suggestBox.hidden = !items.length;
  if (!items.length) return;
  suggestBox.append(el("p", "search-suggest-heading", heading));
  const ul = el("ul", "chips");
  for (const t of items) {
    const li = el("li");
    const a = el("a", `chip${t.group === "company" ? " chip-company" : ""}`, t.name);
    a.href = t.url;
    li.append(a, document.createTextNode(" "), el("span", "meta", `${t.group === "company" ? "company" : "theme"}, ${t.count} ${t.count === 1 ? "story" : "stories"}`));
    ul.append(li);
  }
  suggestBox.append(ul);
}

// -- URL state: ?q=...&company=A&company=B&theme=...&kind=... ---------------
function readState() {
  const params = new URLSearchParams(location.search);
  const state = { q: params.get("q") || "", filters: {} };
  for (const [group] of GROUPS) state.filters[group] = params.getAll(group);
  return state;
}

function urlFor(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const [group] of GROUPS) for (const value of state.filters[group]) params.append(group, value);
  const query = params.toString();
  return location.pathname + (query ? "?" + query : "");
}

function writeState(state, push) {
  const url = urlFor(state);
  if (url !== location.pathname + location.search) {
    history[push ? "pushState" : "replaceState"](null, "", url);
  }
}

function currentState() {
  const state = { q: input.value.trim(), filters: {} };
  const fromUrl = readState().filters;
  for (const [group] of GROUPS) {
    // until the filter lists are loaded, the URL's filters stay in force;
    // values the lists lack stay too, until the reader removes them
    if (!filtersBox.childElementCount) {
      state.filters[group] = fromUrl[group];
      continue;
    }
    const boxes = [...filtersBox.querySelectorAll(`input[name="${group}"]`)];
    const listed = new Set(boxes.map((i) => i.value));
    state.filters[group] = [...fromUrl[group].filter((v) => !listed.has(v)), ...boxes.filter((i) => i.checked).map((i) => i.value)];
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
// The filter lists (and their index files) load only when the reader opens
// them, or when the URL already asks for a filter.
let filtersLoaded = null;
function loadFilters() {
  if (!filtersLoaded) {
    filtersLoaded = load().then((api) => api.filters()).then((available) => {
      renderFilters(available);
      return available;
    });
    filtersLoaded.catch(failed);
  }
  return filtersLoaded;
}
filterToggle.addEventListener("toggle", () => {
  if (filterToggle.open) loadFilters().then(() => run(currentState(), false)).catch(failed);
});

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
      const count = el("span", "meta search-count", `(${available[group][value]})`);
      option.append(box, document.createTextNode(` ${value} `), count);
      fieldset.append(option);
    }
    filtersBox.append(fieldset);
  }
  filtersBox.hidden = !filtersBox.childElementCount;
}

// the counts of the current search, next to each value
function showCounts(counts) {
  if (!counts) return;
  for (const box of filtersBox.querySelectorAll("input[type=checkbox]")) {
    const n = (counts[box.name] && counts[box.name][box.value]) || 0;
    box.parentElement.querySelector(".search-count").textContent = `(${n})`;
  }
}

// Filter values in the URL that the site no longer has: shown, not applied, removable.
function staleFilters(state, available) {
  const stale = [];
  for (const [group, label] of GROUPS) {
    for (const value of state.filters[group]) {
      if (!(available[group] && Object.hasOwn(available[group], value))) stale.push({ group, label, value });
    }
  }
  return stale;
}

function renderStale(stale) {
  staleBox.replaceChildren();
  staleBox.hidden = !stale.length;
  for (const { group, label, value } of stale) {
    const p = el("p", "search-stale-item");
    const button = el("button", "search-stale-remove", "Remove this filter");
    button.type = "button";
    button.addEventListener("click", () => {
      const state = readState();
      state.filters[group] = state.filters[group].filter((v) => v !== value);
      writeState(state, true);
      run(state);
    });
    p.append(document.createTextNode(`${label} “${value}” is no longer on this site, so the search ignores it. `), button);
    staleBox.append(p);
  }
}

function wantsFilters(state) {
  return GROUPS.some(([g]) => state.filters[g].length);
}

// -- failure ------------------------------------------------------------------------
let failure = null;
function failed(error) {
  generation++;
  if (failure) return;
  failure = error;
  root.classList.add("search-failed");
  list.replaceChildren();
  suggestBox.hidden = true;
  correction.hidden = true;
  more.hidden = true;
  status.textContent = "Search is unavailable right now.";
  unavailable.hidden = false;
  // for whoever debugs it; the reader sees the message and the links
  console.error("Search could not load:", error);
}

// -- searching -----------------------------------------------------------------
async function run(state) {
  try {
    await search(state);
  } catch (error) {
    failed(error);
  }
}

async function search(state) {
  const mine = ++generation;
  root.setAttribute("aria-busy", "true");
  try {
    await answerState(state, mine);
  } finally {
    if (mine === generation) {
      root.setAttribute("aria-busy", "false");
      // what the shown results answer (the browser tests wait for it)
      list.dataset.query = state.q;
    }
  }
}

async function answerState(state, mine) {
  if (!state.q && !wantsFilters(state)) {
    list.replaceChildren();
    status.textContent = "";
    suggestBox.hidden = true;
    correction.hidden = true;
    renderStale([]);
    more.hidden = true;
    return;
  }
  const api = await load();
  let available = null;
  if (wantsFilters(state) || filtersBox.childElementCount) available = await loadFilters();
  const stale = available ? staleFilters(state, available) : [];
  renderStale(stale);
  const filters = {};
  // several values within a group: any of them (OR); groups combine with AND
  for (const [group] of GROUPS) {
    const values = state.filters[group].filter((v) => !stale.some((s) => s.group === group && s.value === v));
    if (values.length) filters[group] = { any: values };
  }
  const filtered = Object.keys(filters).length ? filters : null;
  let found;
  if (state.q) {
    found = await answer(api, state.q, filtered, Boolean(available));
  } else {
    // filters only: the newest stories first
    const r = await api.search(null, { filters: filtered || {}, sort: { date: "desc" } });
    found = { results: r.results, counts: r.totalFilters };
  }
  if (mine !== generation) return; // a newer search has started
  if (available) showCounts(found.counts);
  pending = found.results;
  shown = [];
  state.corrected = found.corrected || null;
  await showMore(state, mine);
  if (mine !== generation) return;
  const terms = await loadTerms();
  if (mine !== generation) return;
  if (!state.q) suggestBox.hidden = true;
  else if (shown.length) renderSuggestions("Themes and companies", suggestions(terms, state.corrected || state.q).slice(0, 6));
  else {
    const near = suggestions(terms, state.q);
    renderSuggestions(near.length ? "Themes and companies that match" : "The nearest themes",
      (near.length ? near : nearestThemes(terms, state.q)).slice(0, 6));
  }
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
  }).catch(failed);
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
  const what = state.q ? ` for “${state.corrected || state.q}”` : "";
  const rest = remaining ? `, ${remaining} more ${remaining === 1 ? "story" : "stories"} to show` : "";
  status.textContent = items.length
    ? `${items.length} result${items.length === 1 ? "" : "s"}${what}${rest}`
    : `No results for “${state.q}”. Try fewer or other words, or browse the themes below.`;
  correction.replaceChildren();
  correction.hidden = !(state.corrected && items.length);
  if (!correction.hidden) {
    const link = el("a", "", state.corrected);
    link.href = urlFor({ ...state, q: state.corrected });
    correction.append(document.createTextNode(`No story matches “${state.q}” as typed. Did you mean `), link, document.createTextNode("?"));
  }
  more.hidden = !remaining;
}

// -- events ----------------------------------------------------------------------
// Typing a new query adds one history entry (its first keystroke pushes, the
// rest replace it), so Back returns to the previous search, not to each letter.
let timer = 0;
let typing = false;
function typed() {
  clearTimeout(timer);
  // start fetching the index chunks for these words while the pause runs
  if (input.value.trim()) load().then((api) => api.preload(meaningful(words(input.value)).join(" "))).catch(() => {});
  timer = setTimeout(() => {
    const state = currentState();
    writeState(state, !typing);
    typing = true;
    run(state);
  }, 60);
}
input.addEventListener("input", typed);

function submitted(event) {
  event.preventDefault();
  clearTimeout(timer);
  const state = currentState();
  writeState(state, !typing);
  typing = false;
  run(state);
}
form.addEventListener("submit", submitted);

function toggled() {
  if (filterToggle.open) loadFilters().then(() => run(currentState(), false)).catch(failed);
}
filterToggle.addEventListener("toggle", toggled);

filtersBox.addEventListener("change", () => {
  const state = currentState();
  writeState(state, true);
  typing = false;
  run(state);
});

window.addEventListener("popstate", () => {
  typing = false;
  const state = readState();
  if (wantsFilters(state)) loadFilters().then(() => applyState(state)).catch(failed);
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

// The events search.js caught while this module loaded, handed over in order:
// the box's value, the filters and the URL are read when each is handled.
export function replay(event) {
  if (event.type === "input") typed();
  else if (event.type === "submit") submitted(event);
  else if (event.type === "toggle") toggled();
}

// A search in the URL (a link, a reload, the header's form) runs at once.
const initial = readState();
if (initial.q || wantsFilters(initial)) {
  applyState(initial);
  if (wantsFilters(initial)) filterToggle.open = true;
  run(initial);
}
