// Every page: "/" focuses the search box (unless the reader is typing somewhere).
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
  const box = document.getElementById("search-q") || document.getElementById("site-search-q");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});

// The colour scheme picker in the header (scheme.js applied the stored choice).
(() => {
  const box = document.querySelector(".scheme");
  const choice = document.getElementById("scheme-choice");
  if (!box || !choice) return;
  const root = document.documentElement;
  choice.value = root.dataset.scheme || "system";
  box.hidden = false;
  choice.addEventListener("change", () => {
    const value = choice.value;
    try {
      if (value === "system") localStorage.removeItem("casebook-scheme");
      else localStorage.setItem("casebook-scheme", value);
    } catch (e) {
      // storage blocked: the choice lasts for this page only
    }
    if (value === "system") delete root.dataset.scheme;
    else root.dataset.scheme = value;
  });
})();

// Copy-link buttons next to each heading anchor and callout self-link. Without
// JavaScript (or a clipboard) the plain links remain.
(() => {
  const links = document.querySelectorAll(".story-body a.heading-anchor, .story-body a.callout-self");
  if (!links.length || !navigator.clipboard) return;
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  document.body.append(status);
  for (const link of links) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-link";
    const heading = link.closest("h2, h3, h4, h5, h6");
    const what = link.classList.contains("callout-self") ? link.textContent.replace(/^Link to this /, "") : "section";
    button.textContent = "Copy link";
    button.setAttribute("aria-label", `Copy link to this ${what}`);
    button.addEventListener("click", async () => {
      const url = new URL(link.getAttribute("href"), location.href).href;
      try {
        await navigator.clipboard.writeText(url);
        status.textContent = "";
        // a new text node each time, so the same message is announced again
        setTimeout(() => { status.textContent = "Link copied"; }, 50);
        button.textContent = "Copied";
        setTimeout(() => { button.textContent = "Copy link"; }, 2000);
      } catch (e) {
        status.textContent = "Could not copy the link; use the link itself";
      }
    });
    if (heading) heading.append(button);
    else link.after(" ", button);
  }
})();

// The contents list beside a story marks the section being read.
(() => {
  const nav = document.querySelector(".contents-side");
  if (!nav) return;
  const links = new Map();
  for (const a of nav.querySelectorAll("a[href^='#']")) {
    const target = document.getElementById(decodeURIComponent(a.hash.slice(1)));
    if (target) links.set(target, a);
  }
  const targets = [...links.keys()];
  let pending = false;
  const mark = () => {
    pending = false;
    // the last heading scrolled up near the top of the window; at the very end
    // of the page, the last one that is on screen
    const atEnd = innerHeight + scrollY >= document.documentElement.scrollHeight - 2;
    let current = targets[0];
    for (const t of targets) {
      if (!t.getClientRects().length) continue;
      const top = t.getBoundingClientRect().top;
      if (top <= 100 || (atEnd && top < innerHeight)) current = t;
    }
    for (const [t, a] of links) {
      if (t === current) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    }
  };
  addEventListener("scroll", () => {
    if (!pending) { pending = true; requestAnimationFrame(mark); }
  }, { passive: true });
  addEventListener("hashchange", mark);
  mark();
})();
