// The search page's answering code: Pagefind's index, and an answering layer
// on top of it. search.js, the page's own small script, imports this module
// only when there is something to answer (a query or filters in the URL, the
// first keystroke, a submitted form, the filters opened), and Pagefind's
// library loads with it. Every string from the index, the vocabulary or the
// URL is inserted as text, never as HTML.
//
// The index holds two kinds of record (plugins/site_search): a story's page
// (kind "Case study") and one record per callout (Takeaway, Lesson) holding
// only the callout's title and text plus its story's themes and companies.
// With no kind chosen the results are stories, each preceded by its callouts
// that hold the query in their own text; a kind chosen lists its records.
//
// A query is answered in steps (see answer()):
//   1. a query in quotes is an exact phrase (Pagefind's own exact search);
//   2. stop words are dropped ("how do I recover after a mistake?" -> recover
//      mistake) and Pagefind finds the records holding every remaining word;
//   3. a word no record holds is corrected against the site's own vocabulary
//      (search/words.json, themes and companies from search/terms.json, with
//      fastest-levenshtein), and "Did you mean" links to the corrected query;
//      a common English word (words.json's dictionary) is never replaced by
//      another word, only by a form of itself or the two words it joins;
//   4. when every-word matching finds few records, records holding any of the
//      words join them, ranked by how many and how rare the matched words are
//      (a word found only inside longer words counts half);
//   5. a query naming themes or companies (plural or not) lists the records
//      holding the most of them first.
// Filter counts are what choosing each value would list (countsOf()).

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
// the kind of a story's own record; its callouts' kinds (Takeaway, Lesson) are the page's data-callout-kinds
const STORY_KIND = "Case study";
const calloutKinds = (root.dataset.calloutKinds || "").split("|").filter(Boolean);
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
        // common English words: a word of these is no typo, even when no story holds it
        const common = new Set((data.dictionary || []).map(String));
        // a company or theme typed as one word ("chikfila" -> Chick-fil-A) is a candidate too
        const names = [...terms.companies, ...terms.themes].filter((t) => t.compact.length > 2);
        return { list, rank, common, names, distance: lib.distance };
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

// The word to search instead of a word no story holds, or null:
//   - a common English word (the vocabulary's dictionary) is what the reader
//     meant: it is never replaced by another word ("kids" is not "kiss"), only
//     by a form of itself the site holds (empowering -> empowered) or by the
//     two words it joins (frontline -> front line);
//   - another word: the nearest word of the site, or company or theme name
//     (Levenshtein), else a form of it, two joined words, or a name it starts
//     with (disneyland -> Disney).
function correct(vocabulary, word) {
  if (allowedEdits(word) === 0 || vocabulary.rank.has(word) || /\d/.test(word)) return null;
  if (vocabulary.common.has(word)) return relative(vocabulary, word) || joined(vocabulary, word);
  return nearest(vocabulary, word) || relative(vocabulary, word) || startsWithName(vocabulary, word, true)
    || joined(vocabulary, word) || startsWithName(vocabulary, word, false);
}

function nearest(vocabulary, word) {
  const edits = allowedEdits(word);
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

// the most frequent word of the site sharing the word's stem (all but a short ending)
function relative(vocabulary, word) {
  const need = Math.max(5, word.length - 3);
  if (word.length < need) return null;
  return vocabulary.list.find((w) => commonPrefix(w, word) >= need && Math.abs(w.length - word.length) <= 4) || null;
}

// two words of the site written as one ("frontline"), each of four letters or more
function joined(vocabulary, word) {
  let best = null;
  for (let i = 4; i <= word.length - 4; i++) {
    const a = word.slice(0, i), b = word.slice(i);
    if (!vocabulary.rank.has(a) || !vocabulary.rank.has(b)) continue;
    const rank = Math.max(vocabulary.rank.get(a), vocabulary.rank.get(b));
    if (!best || rank < best.rank) best = { rank, text: `${a} ${b}` };
  }
  return best && best.text;
}

// a company or theme the word starts with ("disneyland"), else the longest word of the site
function startsWithName(vocabulary, word, names) {
  if (names) {
    const found = vocabulary.names.filter((t) => t.compact.length >= 4 && word.startsWith(t.compact));
    return found.length ? found.sort((a, b) => b.compact.length - a.compact.length)[0].name : null;
  }
  const prefixes = vocabulary.list.filter((w) => w.length >= 5 && word.length - w.length >= 3 && word.startsWith(w));
  return prefixes.sort((a, b) => b.length - a.length)[0] || null;
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

// Whether every word Pagefind marked for the word in a result is a longer
// word than an ending makes of it ("low" marks "lowering", not "lows").
function longerOnly(word, page) {
  const marks = [...(page.excerpt || "").matchAll(/<mark>([^<]*)<\/mark>/g)].map((m) => compact(m[1]));
  const c = compact(word);
  return marks.length > 0 && !/\s/.test(word) && marks.every((m) => m.startsWith(c) && m.length - c.length > 3);
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

// a word without its plural ending, to compare a query with a label ("first impression")
function singular(word) {
  return word.length > 3 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word;
}

// The themes and companies a query names: every word of the name is in the
// query (plural or not), or the query is the name typed as one word.
function labelsNamed(terms, q) {
  const tokens = new Set(words(q).map(singular));
  const whole = compact(q);
  return [...terms.themes, ...terms.companies].filter((t) =>
    t.compact === whole || (t.words.length && t.words.every((w) => tokens.has(singular(w)))));
}

// A query that names themes or companies lists the records holding the most
// of them first: labels weigh more than words in a body ("nordstrom return
// policy" puts Nordstrom's story first). Otherwise in the order found.
async function answer(api, q, filters) {
  const found = await answerWords(api, q, filters);
  const terms = await loadTerms();
  const named = labelsNamed(terms, found.corrected || q);
  if (named.length && found.results.length > 1) {
    const sets = await Promise.all(named.map((t) => pagesWith(api, t.group, t.name)));
    const held = (r) => sets.reduce((n, set) => n + (set.has(r.id) ? 1 : 0), 0);
    const order = new Map(found.results.map((r, i) => [r.id, [held(r), i]]));
    found.results = [...found.results].sort((a, b) => order.get(b.id)[0] - order.get(a.id)[0] || order.get(a.id)[1] - order.get(b.id)[1]);
  }
  return found;
}

// Records (Pagefind result objects, best first) holding the query and
// passing the filters; `everything`: those holding it whatever the filters
// (for the counts); `corrected`: the query used when a word was corrected;
// `terms`: the words (or phrase) searched.
async function answerWords(api, q, filters) {
  const { phrases, tokens } = parse(q);
  if (phrases.length && /^\s*"[^"]+"\s*$/.test(q)) {
    const exact = await find(api, q.trim(), null);
    if (exact.results.length) {
      return { results: await applyFilters(api, exact.results, filters), everything: exact.results, terms: [q.trim()] };
    }
  }
  let terms = meaningful(tokens);
  const typed = [...terms];
  if (!terms.length) return { results: [], everything: [], terms };
  let all = await find(api, terms.join(" "), null);
  let shown = await applyFilters(api, all.results, filters);
  let corrected = null;

  if (terms.length === 1) {
    const weak = all.results.length && weakMatch(terms[0], await all.results[0].data());
    if (!all.results.length || weak) {
      const vocabulary = await loadWords();
      const unknown = vocabulary && !known(vocabulary, terms[0]);
      const fixed = unknown && correct(vocabulary, terms[0]);
      if (fixed) {
        corrected = fixed;
        terms = [fixed];
        all = await find(api, fixed, null);
        shown = await applyFilters(api, all.results, filters);
      } else if (weak && unknown) {
        // what Pagefind matched is only the start of the word
        all = { results: [] };
        shown = [];
      }
    }
    return { results: shown, everything: all.results, corrected, terms };
  }
  if (shown.length >= ENOUGH) return { results: shown, everything: all.results, terms };

  // several words and few records with all of them: correct the words the
  // site lacks (none of its records holds them), then rank the records
  // holding any of the words
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
      all = await find(api, corrected, null);
      shown = await applyFilters(api, all.results, filters);
      await Promise.all(fixed.map(async (w, i) => { if (changed[i]) each[i] = await find(api, w, null); }));
    }
  }
  if (shown.length >= ENOUGH) return { results: shown, everything: all.results, corrected, terms };
  const { pages } = await loadTerms();
  // rarity among the records of the kinds shown (stories, or the callouts asked for)
  const kinds = filters && filters.kind ? { kind: filters.kind } : null;
  const eachShown = await Promise.all(each.map(async (r) => ({ results: await applyFilters(api, r.results, kinds) })));
  // a corrected word is a guess, and a word found only as the start of longer
  // words ("low" in "lowering") may not be the word meant: each counts half
  const extended = await Promise.all(eachShown.map(async (r, i) =>
    r.results.length > 0 && longerOnly(terms[i], await r.results[0].data())));
  const weights = terms.map((w, i) => (w === typed[i] ? 1 : 0.5) * (extended[i] ? 0.5 : 1));
  const merged = rank(await applyFilters(api, all.results, kinds), eachShown, pages, weights);
  const everything = rank(all.results, each, pages, weights);
  return { results: await applyFilters(api, merged, filters), everything, corrected, terms };
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

// Records by the sum over matched words of rarity (inverse document
// frequency) times the word's relative Pagefind score in that record; holding
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

// The records holding a filter value, from a filter-only Pagefind search
// (no index chunk needed), once per value.
const valuePages = new Map();
async function pagesWith(api, group, value) {
  const key = `${group}\u0000${value}`;
  if (!valuePages.has(key)) {
    valuePages.set(key, find(api, null, { [group]: value }).then((r) => new Set(r.results.map((x) => x.id))));
  }
  return valuePages.get(key);
}

// Each filter value's count: the records holding the query (`everything`)
// that have the value and pass the other groups' filters, so a count is what
// choosing the value would list: a kind counts its records (stories,
// takeaways, lessons) whatever kind is chosen; a company or theme counts the
// records of the kinds listed (`listed`: stories when no kind is chosen).
async function countsOf(api, everything, filters, listed) {
  const available = await filtersLoaded;
  const counts = {};
  for (const [group] of GROUPS) {
    const others = Object.fromEntries(Object.entries((group === "kind" ? filters : listed) || {}).filter(([g]) => g !== group));
    const ids = (await applyFilters(api, everything, Object.keys(others).length ? others : null)).map((r) => r.id);
    const values = Object.keys((available && available[group]) || {});
    const valuesOf = await recordValues(api, group, values);
    counts[group] = Object.fromEntries(values.map((v) => [v, 0]));
    // each record counts once for each of its values: a pass over the records, not one per value
    for (const id of ids) for (const v of valuesOf.get(id) || []) counts[group][v]++;
  }
  return counts;
}

// A group's values of each record (record id -> values), made once from the
// records holding each value (pagesWith).
const recordValuesOf = new Map();
async function recordValues(api, group, values) {
  if (!recordValuesOf.has(group)) {
    recordValuesOf.set(group, (async () => {
      const byRecord = new Map();
      for (const value of values) {
        for (const id of await pagesWith(api, group, value)) {
          if (!byRecord.has(id)) byRecord.set(id, []);
          byRecord.get(id).push(value);
        }
      }
      return byRecord;
    })());
  }
  return recordValuesOf.get(group);
}

// A story's callouts holding the query in their own text (not only in the
// story's labels they carry), best first: under the story in the results.
async function calloutsOf(api, story, terms) {
  const scope = { story: { any: [story] }, kind: { any: calloutKinds } };
  const found = new Map();
  for (const term of terms) {
    for (const r of (await find(api, term, scope)).results) {
      const entry = found.get(r.id) || { r, n: 0, score: 0 };
      entry.n++;
      entry.score += r.score;
      found.set(r.id, entry);
    }
  }
  const ranked = [...found.values()].sort((a, b) => b.n - a.n || b.score - a.score);
  const pages = await Promise.all(ranked.map((e) => e.r.data()));
  const wanted = terms.flatMap((t) => words(t.replace(/"/g, " "))).filter((w) => !STOP_WORDS.has(w));
  return pages.filter((page) => ownText(page, wanted));
}

// whether a callout record's own text (its title and body, not its story's
// labels at the end) holds one of the words, or a form of it
function ownText(page, wanted) {
  // a record ends with its story's labels (Pagefind closes a block's text with "."): not its own text
  let text = `${page.meta.title || ""} ${page.content || ""}`.toLowerCase().replace(/[\s.]+$/, "");
  const labels = [...(page.filters.company || []), ...(page.filters.theme || [])].join(" ").toLowerCase();
  if (labels && text.endsWith(labels)) text = text.slice(0, -labels.length);
  const own = words(text).map(compact);
  return wanted.some((w) => {
    const c = compact(w);
    const need = Math.min(c.length, Math.max(4, c.length - 3));
    return own.some((o) => commonPrefix(o, c) >= need);
  });
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
  // what is listed: the records of the kinds chosen; with no kind chosen,
  // stories, each with its callouts that hold the query
  const listed = filters.kind ? filtered : { ...filters, kind: { any: [STORY_KIND] } };
  let found;
  if (state.q) {
    found = await answer(api, state.q, listed);
  } else {
    // filters only: the newest first
    const everything = (await api.search(null, { sort: { date: "desc" } })).results;
    found = { results: await applyFilters(api, everything, listed), everything, terms: [] };
  }
  const counts = available ? await countsOf(api, found.everything, filtered, listed) : null;
  if (mine !== generation) return; // a newer search has started
  if (counts) showCounts(counts);
  pending = found.results;
  shown = [];
  state.corrected = found.corrected || null;
  state.terms = found.terms;
  state.nested = !filters.kind;
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
  // before the results they lead to; after the message when nothing was found
  if (shown.length) status.before(suggestBox);
  else more.after(suggestBox);
}

async function showMore(state, mine) {
  const batch = pending.slice(0, PAGE_SIZE);
  pending = pending.slice(PAGE_SIZE);
  const api = await load();
  const pages = await Promise.all(batch.map((r) => r.data()));
  const nested = await Promise.all(pages.map((page) =>
    (state.nested && state.terms && state.terms.length && !isCallout(page) && page.filters.story
      ? calloutsOf(api, page.filters.story[0], state.terms) : [])));
  if (mine !== generation) return;
  pages.forEach((page, i) => {
    for (const callout of nested[i]) shown.push(itemOf(callout));
    shown.push(itemOf(page));
  });
  render(shown, state, pending.length);
}

more.addEventListener("click", () => {
  const firstNew = list.children.length;
  showMore(currentState(), generation).then(() => {
    const link = list.children[firstNew] && list.children[firstNew].querySelector("a");
    if (link) link.focus();
  }).catch(failed);
});

// a callout's record (plugins/site_search): its address in its story is its meta "target"
function isCallout(page) {
  return Boolean(page.meta && page.meta.target);
}

function itemOf(page) {
  const companies = (page.filters && page.filters.company) || [];
  if (!isCallout(page)) {
    return { kind: STORY_KIND, title: page.meta.title, url: page.url, excerpt: page.excerpt, companies };
  }
  const url = new URL(page.meta.target, new URL(root.dataset.baseUrl, location.href));
  return {
    kind: (page.filters.kind || ["Callout"])[0],
    title: page.meta.title,
    // only the site's own pages: a stray "javascript:" address never becomes a link
    url: /^https?:$/.test(url.protocol) ? url.href : page.url,
    excerpt: page.excerpt,
    story: page.meta.story,
    companies,
  };
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
  const what_ = state.nested ? ["story", "stories"] : ["result", "results"];
  const rest = remaining ? `, ${remaining} more ${what_[remaining === 1 ? 0 : 1]} to show` : "";
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
