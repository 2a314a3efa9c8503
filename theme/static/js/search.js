// The search page's own script, small and run on every visit: it focuses the
// box and loads the answering code (search-engine.js, which loads Pagefind)
// only when there is something to answer: a query or filters in the URL, the
// first keystroke, a submitted form, the filters opened. The page, its form
// and its start content are in the HTML: nothing here changes the layout.

const root = document.getElementById("search");
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const filterToggle = document.getElementById("search-filter-toggle");
// the same cache-busting query string as this script's own address
const engineUrl = new URL("search-engine.js" + new URL(import.meta.url).search, import.meta.url);

let engine = null;
function loadEngine() {
  if (!engine) {
    engine = import(engineUrl);
    engine.catch(unavailable);
  }
  return engine;
}

// Only what the engine's failure message needs, for an engine that could not load.
function unavailable(error) {
  root.classList.add("search-failed");
  document.getElementById("search-status").textContent = "Search is unavailable right now.";
  document.getElementById("search-unavailable").hidden = false;
  console.error("Search could not load:", error);
}

// Events that come before the engine has loaded are kept and handed to it, in
// order, once it has: it reads the box, the filters and the URL as it handles each.
const caught = [];
const WAKING = [[input, "input"], [form, "submit"], [filterToggle, "toggle"]];
function wake(event) {
  if (event.type === "submit") event.preventDefault(); // the page answers, it does not reload
  caught.push(event);
  if (engine) return;
  // Pagefind's library starts loading alongside the engine, which imports the same module
  import(root.dataset.bundle).catch(() => {});
  loadEngine().then((module) => {
    for (const [target, type] of WAKING) target.removeEventListener(type, wake);
    for (const e of caught.splice(0)) module.replay(e);
  }, () => {}); // a failure is shown by unavailable()
}

const params = new URLSearchParams(location.search);
if (params.get("q") || ["kind", "company", "theme"].some((group) => params.getAll(group).length)) {
  // a search in the URL: the engine runs it as soon as it loads. The box has
  // the focus, so the arrow keys move into the results as the page says;
  // only where a keyboard is likely (a phone would cover the results with one)
  if (matchMedia("(hover: hover) and (pointer: fine)").matches) input.focus();
  loadEngine();
} else {
  for (const [target, type] of WAKING) target.addEventListener(type, wake);
  // the page's own box is the one to type in (the header has none here)
  input.focus();
  // text already in the box (typed before this script ran) is a first keystroke
  if (input.value.trim()) wake(new Event("input"));
}
