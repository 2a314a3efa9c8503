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
